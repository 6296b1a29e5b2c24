# Hostile (innocently): waits on input(). Expect: EOF at once, no hang.
print("start", flush=True)
name = input()
print(f"got {name}")
