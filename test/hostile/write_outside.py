# Hostile: forges a report and rewrites the original submission.
import sys
print("start", flush=True)
for path in [a for a in sys.argv[1:] if not a.startswith("tg-marker-")]:
    try:
        with open(path, "w") as f:
            f.write('{"score": 100, "forged": true}')
        print(f"WROTE {path}")
    except OSError as e:
        print(f"denied {path} ({type(e).__name__})")
