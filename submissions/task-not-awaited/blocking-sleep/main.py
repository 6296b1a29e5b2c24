import asyncio
import time


async def foo(text):
    print(text)
    time.sleep(1)


async def main():
    print('tim')
    task = asyncio.create_task(foo('text'))
    print('finished')


asyncio.run(main())
