# Hostile: ships a FIFO named `pipe` beside this file (the test makes it: git cannot hold one).
# Before the run, opening it would block the grader's hash or copy forever; if it survived the
# copy, this run would block on it until its wall-time limit.
import os, stat
print("start", flush=True)
if os.path.exists("pipe"):
    print("pipe survived the copy:", "FIFO" if stat.S_ISFIFO(os.lstat("pipe").st_mode) else "file", flush=True)
    with open("pipe") as f:
        print("READ pipe", f.read(40))
print("done")
