# Hostile: allocates without end. Expect: memory-limit with MemoryError, partial trace kept.
print("start", flush=True)
hog = []
while True:
    hog.append(bytearray(8 * 1024 * 1024))
