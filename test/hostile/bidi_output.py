# Hostile: invisible characters in output. A right-to-left override makes "grade: 01" read as
# "grade: 10"; zero-width characters hide inside words; isolates reorder what follows.
print("start", flush=True)
print("grade: \u202e01\u202c done\u200bfetching \u2066x\u2069")
print("te\u200dst \ufeffBOM \u2060joiner \u00adsoft")
print("done")
