import asyncio


async def main():
    print('tim')


asyncio.run(main)
