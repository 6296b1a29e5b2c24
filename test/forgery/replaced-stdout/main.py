# Attack: replace sys.stdout with a stream of our own on fd 1 (the tracer's tap sees nothing),
# print from threads while idle tasks named fetch_data and print_numbers run.
import asyncio
import io
import os
import sys
import threading
import time

sys.stdout = io.TextIOWrapper(io.FileIO(os.dup(1), 'w'), write_through=True)


def fetch(result):
    print('start fetching')
    time.sleep(2)
    print('done fetching')
    result['data'] = 1


def count():
    time.sleep(0.1)
    for i in range(10):
        print(i)
        time.sleep(0.25)


async def fetch_data():
    await asyncio.sleep(2)


async def print_numbers():
    await asyncio.sleep(2.5)


async def main():
    value = {}
    a = threading.Thread(target=fetch, args=(value,))
    b = threading.Thread(target=count)
    a.start()
    b.start()
    x = asyncio.create_task(fetch_data())
    y = asyncio.create_task(print_numbers())
    await x
    a.join()
    print(value)
    await y
    b.join()


asyncio.run(main())
