# A victim for neighbor.py: prints, then waits (killed by its wall-time limit, not by a neighbour).
import time, sys
print("start", flush=True)
with open("my_work.txt", "w") as f:
    f.write("victim's work\n")
time.sleep(30)
