# Attack: the coroutines print their own lines, but no event loop runs them. A loop of the
# program's own steps them with coro.send() and waits with time.sleep between steps, while the
# task records a real asyncio run would produce go out through the tracer's own channel.
# Every line is printed inside fetch_data's or print_numbers's frame, so the parent finds the
# named coroutine on the stack; but it finds no asyncio event-loop step below it: the lines
# count for nobody.
import sys
import time

state = sys.modules['_tracegrade.boot'].STATE


def task(e, tid, **kw):
    state.send(dict({'k': 'task', 'e': e, 'id': tid}, **kw))


class Step:
    def __await__(self):
        yield


async def fetch_data():
    print('start fetching')
    await Step()
    print('done fetching')
    return {'data': 1}


async def print_numbers():
    for i in range(10):
        print(i)
        await Step()


task('created', 1, name='main', via='main', detail='Task-1')
task('started', 1)
task('created', 2, name='fetch_data', via='create_task', by=1, detail='Task-2')
task('created', 3, name='print_numbers', via='create_task', by=1, detail='Task-3')
task('suspended', 1)
f, p = fetch_data(), print_numbers()
task('started', 2)
f.send(None)
task('suspended', 2)
task('started', 3)
value = None
for i in range(10):
    if i:
        task('resumed', 3)
    p.send(None)
    task('suspended', 3)
    time.sleep(0.25)
    if i == 7:
        task('resumed', 2)
        try:
            f.send(None)
        except StopIteration as e:
            value = e.value
        task('done', 2)
        task('resumed', 1)
        print(value)
        task('suspended', 1)
task('resumed', 3)
try:
    p.send(None)
except StopIteration:
    pass
task('done', 3)
task('resumed', 1)
task('done', 1)
