# Hostile: leaves a file in the shared /tmp and a process of its uid behind, for the next run
# that gets the same uid to read or to be disturbed by.
import os, sys, time
print("start", flush=True)
with open(f"/tmp/tg-left-{os.getuid()}", "w") as f:
    f.write("left for the next run\n")
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
    os._exit(0)
print("parent exits", flush=True)
