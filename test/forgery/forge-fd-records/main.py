# Attack: find the tracer's channel and key (gc), print from threads, and write our own signed
# task and line records straight to the channel fd, claiming the lines came from asyncio tasks.
# (The channel keeps its key as the HMAC's keyed states: its signer signs for us.)
import gc
import json
import os
import threading
import time

chan = next(o for o in gc.get_objects() if type(o).__name__ == 'Channel' and hasattr(o, '_sign'))
fd, sign = chan._fd, chan._sign
n = [1000]  # our own numbering: we cannot know the tracer's


def forge(rec):
    rec['n'] = n[0]
    n[0] += 1
    rec.setdefault('v', 0)
    rec.setdefault('r', 0)
    body = json.dumps(rec, separators=(',', ':')).encode()
    os.write(fd, body + b'\t' + sign(body)[:32].encode() + b'\n')


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
        time.sleep(0.25)


value = {}
a = threading.Thread(target=fetch, args=(value,))
b = threading.Thread(target=count)
a.start()
b.start()
a.join()
print(value)
b.join()
for tid in (2, 3):
    forge({'k': 'task', 'e': 'resumed', 'id': tid})
    forge({'k': 'task', 'e': 'done', 'id': tid})
