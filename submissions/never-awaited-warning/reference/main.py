import asyncio


async def main():
    print('tim')


main()
