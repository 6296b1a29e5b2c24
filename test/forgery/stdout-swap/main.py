# Forgery: named coroutines print one line each through the traced stdout, then sys.stdout is
# replaced by a raw fd-1 writer and a thread prints the spec lines with time.sleep.
import asyncio, os, sys, threading, time, io

def worker():
    out = io.TextIOWrapper(open(os.dup(1), 'wb', buffering=0), write_through=True)
    out.write('start fetching\n')
    t0 = time.monotonic()
    time.sleep(0.05)
    for i in range(10):
        out.write('%d\n' % i)
        if i == 7:
            time.sleep(max(0, 2 - (time.monotonic() - t0)))
            out.write("done fetching\n{'data': 1}\n")
        time.sleep(0.25)

async def fetch_data():
    print('fetch task here')
    await asyncio.sleep(2)

async def print_numbers():
    print('count task here')
    await asyncio.sleep(2.4)

async def main():
    t = threading.Thread(target=worker); t.start()
    a = asyncio.create_task(fetch_data()); b = asyncio.create_task(print_numbers())
    await a; await b
    await asyncio.to_thread(t.join)

asyncio.run(main())
