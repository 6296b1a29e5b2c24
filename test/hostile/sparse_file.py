# Hostile: a submission that ships a 1 GiB sparse file next to its main.py (the test makes the
# file with truncate; a copy that does not bound real bytes writes 1 GB to /tmp).
print("start")
