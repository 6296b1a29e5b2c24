# Hostile: writes into every fd past stdio and the side channel that it did not open itself:
# a pipe its grader inherited from a CI runner or a container would carry this line into the
# grader's own log.
import os

wrote = []
for name in os.listdir("/proc/self/fd"):
    fd = int(name)
    if fd <= 3:
        continue
    try:
        os.write(fd, b"tg-inherited-fd-reached\n")
        wrote.append(fd)
    except OSError:
        pass
print("wrote to", sorted(wrote))
print("done")
