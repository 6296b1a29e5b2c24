import time

start = time.monotonic()
print('start fetching')
for i in range(10):
    if i == 8:
        print('done fetching')
        print({'data': 1})
    print(i)
    # Sleep until the next quarter second, so that small delays do not add up.
    time.sleep(max(0, start + 0.25 * (i + 1) - time.monotonic()))
