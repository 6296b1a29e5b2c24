"""Which user coroutines are in flight in each task, and which one printed a line.

A *user* coroutine is an `async def` defined outside the interpreter's own tree (stdlib, site
packages) and outside tracegrade. No profiler: the await chain of a task is read where the
tracer already is (a task step's end, a print), so code inside a step runs at full speed on every
version. A coroutine is `entered` when it first shows up in its task's chain or stack, and `left`
when it is gone (its frame finished): the order of these events among the task's steps is what
the structure checks judge, not their times.
"""
import os
import sys

CO_COROUTINE = 0x80


class UserCode:
    def __init__(self, here):
        roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, getattr(sys, "base_exec_prefix", sys.prefix)}
        self.roots = tuple(os.path.abspath(r) + os.sep for r in roots if r) + (here + os.sep,)
        self.names = {}

    def name(self, code):
        """The coroutine's name if `code` is a user coroutine, else ''."""
        n = self.names.get(code)
        if n is None:
            n = ""
            fn = code.co_filename
            if code.co_flags & CO_COROUTINE and fn and not fn.startswith("<"):
                if not os.path.abspath(fn).startswith(self.roots):
                    n = code.co_name
            self.names[code] = n
        return n


class Inflight:
    """Per task: the user coroutines in flight, outermost first, as (frame, name)."""

    def __init__(self, user, emit):
        self.user = user
        self.emit = emit
        self.by_task = {}

    def chain(self, task):
        """The task's await chain (root first) of user coroutines, while it is suspended."""
        out = []
        try:
            c = task.get_coro()
        except Exception:
            return out
        depth = 0
        while c is not None and depth < 64:
            depth += 1
            code = getattr(c, "cr_code", None) or getattr(c, "gi_code", None)
            frame = getattr(c, "cr_frame", None) or getattr(c, "gi_frame", None)
            if code is None:
                break
            n = self.user.name(code)
            if n and frame is not None:
                out.append((frame, n))
            c = getattr(c, "cr_await", None) or getattr(c, "gi_yieldfrom", None)
        return out

    def stack(self, frame):
        """The running stack's user coroutines, root first, from `frame` outwards."""
        out = []
        depth = 0
        while frame is not None and depth < 200:
            depth += 1
            n = self.user.name(frame.f_code)
            if n:
                out.append((frame, n))
            frame = frame.f_back
        out.reverse()
        return out

    def update(self, tid, now):
        old = self.by_task.get(tid, ())
        ids = {id(f) for f, _ in now}
        for f, n in reversed(old):
            if id(f) not in ids:
                self.emit("left", tid, name=n)
        olds = {id(f) for f, _ in old}
        for f, n in now:
            if id(f) not in olds:
                self.emit("entered", tid, name=n)
        self.by_task[tid] = now

    def innermost(self, tid):
        cur = self.by_task.get(tid)
        return cur[-1][1] if cur else None

    def finish(self, tid, detail=None):
        old = self.by_task.pop(tid, ())
        for i, (f, n) in enumerate(reversed(old)):
            self.emit("left", tid, name=n, detail=detail if i == len(old) - 1 else None)
