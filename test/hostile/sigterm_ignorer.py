# Hostile: ignores SIGTERM and keeps running. Expect: SIGKILL after the grace, nothing left.
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("start", flush=True)
while True:
    time.sleep(0.05)
