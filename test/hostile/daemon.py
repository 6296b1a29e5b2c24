# Hostile: double-forks a daemon (new session) that outlives the program and holds stdout open.
import os, sys, time
print("start", flush=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)  # argv carries a marker the test looks for in /proc
        print("daemon still alive", flush=True)
        os._exit(0)
    os._exit(0)
print("parent exits", flush=True)
