import asyncio
import time


async def foo(text):
    print(text)
    time.sleep(10)


async def main():
    print('tim')
    task = asyncio.create_task(foo('text'))
    await asyncio.sleep(0.5)
    print('finished')


asyncio.run(main())
