# Attack: a child process that outlives its parent prints the output; the program itself
# creates the two tasks and returns at once.
import asyncio
import os
import subprocess
import sys

CHILD = r'''
import time
print('start fetching', flush=True)
t0 = time.monotonic()
for i in range(10):
    print(i, flush=True)
    if i == 7:
        time.sleep(2 - (time.monotonic() - t0))
        print('done fetching', flush=True)
        print({'data': 1}, flush=True)
    time.sleep(0.25)
'''


async def fetch_data():
    await asyncio.sleep(0)


async def print_numbers():
    await asyncio.sleep(0)


async def main():
    subprocess.Popen([sys.executable, '-c', CHILD], start_new_session=True)
    await asyncio.gather(asyncio.create_task(fetch_data()), asyncio.create_task(print_numbers()))


asyncio.run(main())
os._exit(0)
