# Forgery: a thread with time.sleep drives the timing; each line is printed on the loop thread by
# call_soon_threadsafe(print...) (no task); named coroutines print one line each.
import asyncio, threading, time

def worker(loop):
    p = lambda s: loop.call_soon_threadsafe(print, s)
    p('start fetching')
    t0 = time.monotonic()
    time.sleep(0.05)
    for i in range(10):
        p(i)
        if i == 7:
            time.sleep(max(0, 2 - (time.monotonic() - t0)))
            p('done fetching'); p({'data': 1})
        time.sleep(0.25)

async def fetch_data():
    print('fetch task here')
    await asyncio.sleep(2)

async def print_numbers():
    print('count task here')
    await asyncio.sleep(2.4)

async def main():
    t = threading.Thread(target=worker, args=(asyncio.get_running_loop(),)); t.start()
    a = asyncio.create_task(fetch_data()); b = asyncio.create_task(print_numbers())
    await a; await b
    await asyncio.to_thread(t.join)

asyncio.run(main())
