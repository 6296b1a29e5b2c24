import asyncio


async def main():
    print('tim')


await main()
