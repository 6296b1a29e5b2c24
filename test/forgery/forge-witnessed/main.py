# Attack: forge-consistent, aware of the parent's witness. One thread, no event loop; the tap
# off sys.stdout; every line record sent the way the tracer sends an attributed one: as a
# request (w, the thread's id) through the tracer's own channel, so the writer waits while the
# parent looks. The parent reads this thread's stack and finds no print_numbers on it.
import sys
import threading
import time

state = sys.modules['_tracegrade.boot'].STATE
tap = sys.stdout
sys.stdout = tap._tg_stream


def task(e, tid, **kw):
    state.send(dict({'k': 'task', 'e': e, 'id': tid}, **kw))


def out(text, tid, coro):
    print(text)
    tap.tg_newlines += 1  # keep the tap's count right: the parent waits for our lines
    state.chan.request({'k': 'line', 's': 'stdout', 'x': text, 'task': tid, 'coro': coro, 'th': 0, 'w': 1, 'tid': threading.get_ident()})


task('created', 1, name='main', via='main', detail='Task-1')
task('started', 1)
task('entered', 1, name='main')
task('created', 2, name='fetch_data', via='create_task', by=1, detail='Task-2')
task('created', 3, name='print_numbers', via='create_task', by=1, detail='Task-3')
task('awaited', 2, by=1)
task('suspended', 1)
task('started', 2)
task('entered', 2, name='fetch_data')
out('start fetching', 2, 'fetch_data')
task('suspended', 2)
task('started', 3)
task('entered', 3, name='print_numbers')
for i in range(10):
    if i:
        task('resumed', 3)
    out(str(i), 3, 'print_numbers')
    task('suspended', 3)
    if i == 7:
        time.sleep(0.25)
        task('resumed', 2)
        out('done fetching', 2, 'fetch_data')
        task('left', 2, name='fetch_data')
        task('done', 2)
        task('resumed', 1)
        out("{'data': 1}", 1, 'main')
        task('awaited', 3, by=1)
        task('suspended', 1)
        continue
    time.sleep(0.25)
task('resumed', 3)
task('left', 3, name='print_numbers')
task('done', 3)
task('resumed', 1)
task('left', 1, name='main')
task('done', 1)


class FakeTracer:
    loop_ran = True

    def flush(self):
        pass


state.tasks = FakeTracer()
state.sleeps = state.slept_us = 0
