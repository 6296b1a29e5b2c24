# Prints the uid it runs as (a run as root under the rlimit level must never happen).
import os
print("start", flush=True)
print("uid", os.getuid(), "euid", os.geteuid())
