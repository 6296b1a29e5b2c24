# Hostile: burns CPU forever. Expect: killed at the wall-time (or CPU-time) limit.
print("start", flush=True)
while True:
    pass
