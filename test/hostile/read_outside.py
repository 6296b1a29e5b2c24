# Hostile: reads what is not its own: another submission, the specs, the harness's home, env secrets.
import os, sys
print("start", flush=True)
for path in [a for a in sys.argv[1:] if not a.startswith("tg-marker-")]:
    try:
        with open(path) as f:
            print(f"READ {path}: {f.read(40)!r}")
    except OSError as e:
        print(f"denied {path} ({type(e).__name__})")
secrets = [k for k in os.environ if "SECRET" in k or "TOKEN" in k]
print("env secrets:", ",".join(secrets) or "none")
print("env keys:", ",".join(sorted(os.environ)))
print("env PWD:", os.environ.get("PWD"))
