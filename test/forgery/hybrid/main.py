# Forgery: threads print every spec line with time.sleep; the named coroutines each print one
# throwaway line and await asyncio.sleep concurrently (so they "overlap" and "printed").
import asyncio, threading, time

def worker(value):
    print('start fetching')
    t0 = time.monotonic()
    time.sleep(0.05)
    for i in range(10):
        print(i)
        if i == 7:
            time.sleep(max(0, 2 - (time.monotonic() - t0)))
            print('done fetching')
            print({'data': 1})
        time.sleep(0.25)

async def fetch_data():
    print('fetch task here')
    await asyncio.sleep(2)

async def print_numbers():
    print('count task here')
    await asyncio.sleep(2.4)

async def main():
    t = threading.Thread(target=worker, args=({},))
    t.start()
    a = asyncio.create_task(fetch_data())
    b = asyncio.create_task(print_numbers())
    await a; await b
    await asyncio.to_thread(t.join)

asyncio.run(main())
