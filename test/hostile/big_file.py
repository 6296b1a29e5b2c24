# Hostile: one file past the file-size limit.
print("start", flush=True)
try:
    with open("big.bin", "wb") as f:
        for _ in range(64):
            f.write(b"b" * (1024 * 1024))
    print("WROTE big file")
except OSError as e:
    print(f"stopped: {e.strerror}")
