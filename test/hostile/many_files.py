# Hostile: a submission of very many small files, which would make every copy and hash of it
# slow. Run as a generator (the tests make it in a temp dir, not 10,000 files in git):
#   python3 many_files.py DIR [N]   writes DIR/main.py (this file) and N one-byte files (default 10,001)
# Graded, it would print done; the bounded copy refuses it first ("submission too large").
import os, shutil, sys
if __name__ == "__main__" and len(sys.argv) > 1 and not sys.argv[1].startswith("tg-marker-"):
    d, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_001
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    shutil.copy(__file__, os.path.join(d, "main.py"))
    for i in range(n):
        with open(os.path.join(d, "data", f"f{i:05}.txt"), "w") as f:
            f.write("x")
else:
    print("done")
