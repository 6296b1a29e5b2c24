# Attack: undo the tracer's asyncio hooks (its Task and Handle subclasses), then fake the
# output with threads while tasks with the right names exist.
import threading
import time
import asyncio
import asyncio.events
import asyncio.tasks

for mod, name in ((asyncio.events, 'Handle'), (asyncio.tasks, 'Task'), (asyncio, 'Task')):
    cls = getattr(mod, name)
    if len(cls.__mro__) > 1 and cls.__mro__[1].__name__ == name:
        setattr(mod, name, cls.__mro__[1])


def fetch(result):
    print('start fetching')
    time.sleep(2)
    print('done fetching')
    result['data'] = 1


def count():
    time.sleep(0.1)
    for i in range(10):
        print(i)
        time.sleep(0.25)


async def fetch_data():
    await asyncio.sleep(2)


async def print_numbers():
    await asyncio.sleep(2.5)


async def main():
    value = {}
    a = threading.Thread(target=fetch, args=(value,))
    b = threading.Thread(target=count)
    a.start()
    b.start()
    x = asyncio.create_task(fetch_data())
    y = asyncio.create_task(print_numbers())
    await x
    a.join()
    print(value)
    await y
    b.join()


asyncio.run(main())
