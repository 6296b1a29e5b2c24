# Hostile: forks without end (every child forks too). Expect: process limit holds, no process left.
import os, sys
print("start", flush=True)
while True:
    try:
        os.fork()
    except OSError:
        pass
