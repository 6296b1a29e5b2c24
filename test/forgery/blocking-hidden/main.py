# Attack: real asyncio tasks that overlap, but print_numbers ticks with a blocking time.sleep
# (and a bare `await asyncio.sleep(0)` to let fetch_data's timer through), and the tracer's
# reports of blocking are silenced: its time.sleep hook and its step timer do nothing. The
# parent reads the stack itself: under the virtual clock each sleep asks for time from inside
# print_numbers's step; under the real clock its samples find the loop inside that step.
import asyncio
import sys
import time

tracer = sys.modules['_tracegrade.boot'].STATE.tasks
tracer.blocking_sleep = lambda *a, **k: None
tracer.step_ended = lambda *a, **k: None


async def fetch_data():
    print('start fetching')
    await asyncio.sleep(2)
    print('done fetching')
    return {'data': 1}


async def print_numbers():
    for i in range(10):
        print(i)
        time.sleep(0.25)
        await asyncio.sleep(0)


async def main():
    task1 = asyncio.create_task(fetch_data())
    task2 = asyncio.create_task(print_numbers())
    value = await task1
    print(value)
    await task2


asyncio.run(main())
