# Attack: like forge-state-send, but first take the tracer's tap off sys.stdout (so it reports
# no line of its own) and zero its thread book at the end (so it reports no threads).
import sys
import threading
import time

state = sys.modules['_tracegrade.boot'].STATE
sys.stdout = sys.stdout._tg_stream


def forge(rec):
    state.send(rec)


for tid, name in ((2, 'fetch_data'), (3, 'print_numbers')):
    forge({'k': 'task', 'e': 'created', 'id': tid, 'name': name, 'via': 'create_task', 'by': 1})
    forge({'k': 'task', 'e': 'started', 'id': tid})
    forge({'k': 'task', 'e': 'suspended', 'id': tid})


def out(text, tid, coro):
    print(text)
    forge({'k': 'line', 's': 'stdout', 'x': text, 'task': tid, 'coro': coro, 'th': 0})


def fetch(result):
    out('start fetching', 2, 'fetch_data')
    time.sleep(2)
    out('done fetching', 2, 'fetch_data')
    result['data'] = 1


def count():
    time.sleep(0.1)
    for i in range(10):
        out(str(i), 3, 'print_numbers')
        forge({'k': 'task', 'e': 'resumed', 'id': 3})
        forge({'k': 'task', 'e': 'suspended', 'id': 3})
        time.sleep(0.25)


value = {}
a = threading.Thread(target=fetch, args=(value,))
b = threading.Thread(target=count)
a.start()
b.start()
a.join()
out(str(value), 1, 'main')
b.join()
for tid in (2, 3):
    forge({'k': 'task', 'e': 'resumed', 'id': tid})
    forge({'k': 'task', 'e': 'done', 'id': tid})
book = state.book
book.started = book.most = book.program = 0
state.threads = 0
state.thread_names = []
