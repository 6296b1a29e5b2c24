import asyncio


async def foo(text):
    print(text)
    await asyncio.sleep(1)


async def main():
    print('tim')
    foo('text')
    print('finished')


asyncio.run(main())
