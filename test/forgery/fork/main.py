# Forgery: os.fork; the child writes every spec line with os.write + time.sleep and kills
# itself (no end record); the parent runs the named coroutines, each printing one line.
import asyncio, os, signal, time, sys
pid = os.fork()
if pid == 0:
    os.write(1, b'start fetching\n')
    t0 = time.monotonic()
    time.sleep(0.05)
    for i in range(10):
        os.write(1, b'%d\n' % i)
        if i == 7:
            time.sleep(max(0, 2 - (time.monotonic() - t0)))
            os.write(1, b"done fetching\n{'data': 1}\n")
        time.sleep(0.25)
    os.kill(os.getpid(), signal.SIGKILL)

async def fetch_data():
    print('fetch task here')
    await asyncio.sleep(2)

async def print_numbers():
    print('count task here')
    await asyncio.sleep(2.4)

async def main():
    a = asyncio.create_task(fetch_data())
    b = asyncio.create_task(print_numbers())
    await a; await b
    await asyncio.to_thread(os.waitpid, pid, 0)

asyncio.run(main())
