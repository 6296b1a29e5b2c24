# Hostile: fills the disk with many files, each under the file-size limit.
import os
print("start", flush=True)
chunk = b"z" * (1024 * 1024)
written = 0
try:
    for i in range(10_000):
        with open(f"fill{i}.bin", "wb") as f:
            for _ in range(2):
                f.write(chunk)
                f.flush()
                written += len(chunk)
except OSError as e:
    print(f"stopped after {written // (1024 * 1024)} MiB: {e.strerror}")
else:
    print(f"WROTE {written // (1024 * 1024)} MiB")
