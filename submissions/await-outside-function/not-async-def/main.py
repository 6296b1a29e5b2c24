import asyncio


async def foo():
    print('tim')


def main():
    await foo()


main()
