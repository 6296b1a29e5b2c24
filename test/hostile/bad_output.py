# Hostile: invalid UTF-8, a 5 MB line, and a last line without a newline.
import sys
out = sys.stdout.buffer
out.write(b"start\n")
out.write(b"bad \xff\xfe bytes \xc3\x28 here\n")
out.write(b"y" * 5_000_000 + b"\n")
out.write(b"after")
out.flush()
