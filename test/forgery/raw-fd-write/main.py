# Attack: threads write the output with os.write(1) and /proc/self/fd/1 (behind the tracer's
# tap) while idle tasks named fetch_data and print_numbers run.
import asyncio
import os
import threading
import time

try:
    proc_out = open('/proc/self/fd/1', 'w', buffering=1)
except OSError:  # stdout is a socket pair: /proc/self/fd/1 cannot be opened; dup it instead
    proc_out = os.fdopen(os.dup(1), 'w', buffering=1)


def fetch(result):
    os.write(1, b'start fetching\n')
    time.sleep(2)
    os.write(1, b'done fetching\n')
    result['data'] = 1


def count():
    time.sleep(0.1)
    for i in range(10):
        proc_out.write('%d\n' % i)
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
    os.write(1, (str(value) + '\n').encode())
    await y
    b.join()


asyncio.run(main())
