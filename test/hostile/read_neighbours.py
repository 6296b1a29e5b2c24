# Hostile: reads its neighbours and the grader's reports. Argument 1 is the class folder (every
# student's original), argument 2 the --out folder of a previous batch (results.json, the key
# that seals stored results). Prints LISTED/READ for what it got, denied for the rest.
import os, sys
print("start", flush=True)
klass, out = sys.argv[1], sys.argv[2]
try:
    names = sorted(os.listdir(klass))
    print(f"LISTED {klass}: {names}")
except OSError as e:
    names = []
    print(f"denied {klass} ({type(e).__name__})")
paths = [os.path.join(klass, n, "main.py") for n in names] or [os.path.join(klass, "bob", "main.py")]
for path in paths + [os.path.join(out, "results.json"), os.path.join(out, ".tracegrade", "key")]:
    try:
        with open(path) as f:
            print(f"READ {path}: {f.read(40)!r}")
    except OSError as e:
        print(f"denied {path} ({type(e).__name__})")
print("done")
