# Attack: credit a thread's lines to print_numbers from inside print_numbers's own steps. A thread
# writes the numbers (os.write, so the tracer sends no record of its own) with time.sleep between
# them; the print_numbers task, a real one, takes each number from a queue — blocking the loop —
# and claims it through the tracer's channel as a witness request, from its own frame, after the
# line is out. The parent finds print_numbers on the stack, inside a loop step: the claims stand.
# But the loop sits blocked in that step while the thread's sleeps move time: the parent sees it
# (real clock: sampled asleep inside the step; virtual clock: the main thread inside the step at
# each of the thread's jumps), so "Nothing blocks the event loop" fails.
import asyncio
import os
import queue
import sys
import threading
import time

state = sys.modules['_tracegrade.boot'].STATE
q = queue.Queue()


def numbers():
    for i in range(10):
        os.write(1, b'%d\n' % i)
        q.put(str(i))
        time.sleep(0.25)


async def fetch_data():
    print('start fetching')
    await asyncio.sleep(2)
    print('done fetching')
    return {'data': 1}


async def print_numbers():
    threading.Thread(target=numbers).start()
    for _ in range(10):
        text = q.get()
        state.chan.request({'k': 'line', 's': 'stdout', 'x': text, 'task': state.current_task_id(), 'coro': 'print_numbers',
                            'th': 0, 'w': 1, 'tid': threading.get_ident()})
        await asyncio.sleep(0)


async def main():
    task1 = asyncio.create_task(fetch_data())
    task2 = asyncio.create_task(print_numbers())
    value = await task1
    print(value)
    await task2


asyncio.run(main())
