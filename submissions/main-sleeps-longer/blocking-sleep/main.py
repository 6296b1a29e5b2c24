import asyncio
import time


async def foo(text):
    print(text)
    await asyncio.sleep(1)


async def main():
    print('tim')
    task = asyncio.create_task(foo('text'))
    time.sleep(2)
    print('finished')


asyncio.run(main())
