# Attack (real clock): print the value a whole second late, but write its first byte right
# after "done fetching", so a first-byte stamp would put it in time.
import asyncio
import sys


async def fetch_data():
    print('start fetching')
    await asyncio.sleep(2)
    print('done fetching')
    return {'data': 1}


async def print_numbers():
    for i in range(10):
        print(i)
        await asyncio.sleep(0.25)


async def main():
    task1 = asyncio.create_task(fetch_data())
    task2 = asyncio.create_task(print_numbers())
    value = await task1
    text = str(value)
    sys.stdout.write(text[0])
    sys.stdout.flush()
    await asyncio.sleep(1)
    sys.stdout.write(text[1:] + '\n')
    await task2


asyncio.run(main())
