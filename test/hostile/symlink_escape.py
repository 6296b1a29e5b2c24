# Hostile: ships links out of its folder (to a root-only file, to a directory) and, if they
# survive the copy, reads and rewrites what they point to and reports who owns it.
import os, sys
print("start", flush=True)
for name in sorted(os.listdir(".")):
    if not os.path.islink(name):
        continue
    try:
        st = os.stat(name)
        print(f"LINK {name} owner {st.st_uid}", flush=True)
        with open(name, "a") as f:
            f.write("pwned\n")
        print(f"WROTE {name}")
    except OSError as e:
        print(f"denied {name} ({type(e).__name__})")
print("uid", os.getuid())
