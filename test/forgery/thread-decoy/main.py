# Attack: two threads print the whole output with time.sleep while two idle coroutines named
# fetch_data and print_numbers run as tasks (the names alone used to satisfy `overlap`).
import asyncio
import threading
import time


def fetch_thread(result):
    print('start fetching')
    time.sleep(2)
    print('done fetching')
    result['data'] = 1


def count_thread():
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
    t1 = threading.Thread(target=fetch_thread, args=(value,))
    t2 = threading.Thread(target=count_thread)
    t1.start()
    t2.start()
    a = asyncio.create_task(fetch_data())
    b = asyncio.create_task(print_numbers())
    await a
    await asyncio.to_thread(t1.join) if hasattr(asyncio, 'to_thread') else t1.join()
    print(value)
    await b
    t2.join()


asyncio.run(main())
