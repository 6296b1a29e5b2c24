# Hostile: prints without end. Expect: output-limit, trace truncated, lines before the cap kept.
print("start", flush=True)
line = "x" * 99
while True:
    print(line)
