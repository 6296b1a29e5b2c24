# Hostile: attacks a concurrent run. It finds the other run's processes (their argv carries the
# marker given reversed as argument 1, so that its own argv does not), tries to kill them and to
# read their work dir, and tries to read the harness's environment (GITHUB_TOKEN…) through /proc.
import os, sys
print("start", flush=True)
print("uid", os.getuid())
target = sys.argv[1][::-1]
seen = 0
for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read()
    except OSError:
        continue
    if target.encode() not in cmd or int(pid) == os.getpid():
        continue
    seen += 1
    try:
        print("cwd", sorted(os.listdir(f"/proc/{pid}/cwd")))
    except OSError as e:
        print(f"cwd denied ({type(e).__name__})")
    try:
        os.kill(int(pid), 9)
        print(f"KILLED {pid}")
    except OSError as e:
        print(f"kill denied ({type(e).__name__})")
print("victim processes seen:", seen)
for path in sys.argv[2:]:
    try:
        with open(path, "rb") as f:
            print(f"READ {path}: {f.read(60)!r}")
    except OSError as e:
        print(f"denied {path} ({type(e).__name__})")
