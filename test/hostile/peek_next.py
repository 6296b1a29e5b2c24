# Hostile: while it runs, the grader's warm pool has already started the NEXT submission's
# sandbox (its copy, its waiting interpreter). Looks for it for up to argv[3] seconds: the next
# run's files (walking the runs' TMPDIR, argv[1], where every run's copy is made; through
# /proc/<pid>/cwd), its environment (its channel key) and whether it can signal its processes. Prints FOUND / ENVIRON /
# SIGNAL for what it got, then "peers N" (other python processes it could see) and "done".
import os, sys, time

tmp_root, marker, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
me = os.getpid()
print("start", flush=True)


def ancestors():
    # Its own sandbox's wrapper (pid 1 in bwrap) carries main.py in its argv too: not a peer.
    out, pid = set(), me
    while pid > 1:
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        out.add(pid)
    return out


mine = ancestors()


def walk(top, depth=5):
    try:
        for dirpath, dirs, files in os.walk(top):
            if dirpath.count(os.sep) - top.count(os.sep) >= depth:
                dirs[:] = []
            if "secret.txt" in files:
                try:
                    with open(os.path.join(dirpath, "secret.txt")) as f:
                        if marker in f.read():
                            return dirpath
                except OSError:
                    pass
    except OSError:
        pass
    return None


def procs():
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me or int(name) in mine:
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if b"main.py" in cmd:
            out.append(int(name))
    return out


found = set()
peers = set()
end = time.monotonic() + secs
# Until it finds the copy itself: seeing the process first (its environment, a signal) must not
# end the search before the walk gets to the files.
while time.monotonic() < end and not any(f.startswith("FOUND") for f in found):
    hit = walk(tmp_root)
    if hit:
        found.add(f"FOUND {hit}")
    for pid in procs():
        peers.add(pid)
        try:
            if "secret.txt" in os.listdir(f"/proc/{pid}/cwd"):
                found.add(f"FOUND /proc/{pid}/cwd")
        except OSError:
            pass
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if b"TRACEGRADE_KEY" in f.read():
                    found.add(f"ENVIRON {pid}")
        except OSError:
            pass
        try:
            os.kill(pid, 0)
            found.add(f"SIGNAL {pid}")
        except OSError:
            pass
    time.sleep(0.1)
for line in sorted(found):
    print(line)
print(f"peers {len(peers)}")
print("done")
