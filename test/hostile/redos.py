# Hostile: the classic catastrophic-backtracking input for a spec regex /^(a+)+$/: 28 a's and a
# character that makes the match fail only after trying every way to split them (2^28 ways with
# a backtracking engine; linear with RE2), then 60 a's (2^60: a backtracking grader never ends).
print("start", flush=True)
print("a" * 28 + "!")
print("a" * 60 + "!")
print("done")
