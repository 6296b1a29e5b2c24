# Hostile: kills its parent process.
import os
print("start", flush=True)
try:
    os.kill(os.getppid(), 9)
    print("sent SIGKILL to parent")
except OSError as e:
    print(f"kill denied ({type(e).__name__})")
print("still here")
