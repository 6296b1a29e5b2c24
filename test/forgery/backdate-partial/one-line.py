# The backdating attack on its own: the first byte at once, the rest of the line 1 s later.
import sys
import time

sys.stdout.write('{')
sys.stdout.flush()
time.sleep(1)
sys.stdout.write("'data': 1}\n")
