"""The asyncio task trace: created, started, suspended, resumed, done, awaited, blocking, and the
user coroutines `entered`/`left` inside each task (coros.py).

- asyncio.Task is replaced by a subclass of the C Task (same name, same repr) that reports
  creation, awaiting and completion; ids are our own (WeakKeyDictionary), never the task
  factory's (its contract changed inside 3.13 patch releases).
- Steps: every task step runs from a loop Handle bound to the task (loop.py calls step_begin /
  step_end around it). No profiler, so no cost on the code inside a step.
"""
import os
import sys
import weakref
import _thread

from .blocking import Blocking
from .coros import Inflight, UserCode
from .joins import hide_done_callback, patch_joins
from .loop import LoopHooks
from .waiting import describe_waiting

CO_COROUTINE = 0x80


class TaskTracer(Blocking):
    def __init__(self, state):
        self.state = state
        self.clock = state.clock
        self.ids = weakref.WeakKeyDictionary()
        self.next_id = 1
        self.roots = {}  # task id -> Root
        self.loops = weakref.WeakSet()
        self.loop_threads = {}  # thread ident -> running loop
        self.code_info = {}
        self.seen_nested = set()
        self.user = UserCode(os.path.dirname(os.path.abspath(__file__)))
        self.inflight = Inflight(self.user, self.emit)
        self.step_sleep = 0.0
        self.asyncio_dir = None
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.depth = 0  # timer hops behind the callback running on the loop thread
        self.loop_ran = False  # an event loop was set running (asyncio.run, run_until_complete…)

    # ---- helpers ---------------------------------------------------------------
    def id_of(self, task):
        try:
            i = self.ids.get(task)
        except TypeError:
            return None
        if i is None:
            i = self.next_id
            self.next_id += 1
            try:
                self.ids[task] = i
            except TypeError:
                return None
        return i

    def emit(self, kind, tid, **extra):
        rec = {"k": "task", "e": kind, "id": tid}
        for k, v in extra.items():
            if v is not None:
                rec[k] = v
        self.state.send(rec)

    def loop_running_here(self):
        return _thread.get_ident() in self.loop_threads

    def current_task(self):
        loop = self.loop_threads.get(_thread.get_ident())
        if loop is None:
            return None
        try:
            return self.asyncio.current_task(loop)
        except Exception:
            return None

    def current_id(self):
        t = self.current_task()
        return None if t is None else self.id_of(t)

    # ---- install ---------------------------------------------------------------
    def install(self):
        import asyncio
        import asyncio.base_events
        import asyncio.events
        import asyncio.selector_events
        import asyncio.tasks

        self.asyncio = asyncio
        self.asyncio_dir = os.path.dirname(os.path.abspath(asyncio.__file__))
        LoopHooks(self).install()
        self._patch_task_class()
        patch_joins(self)
        hide_done_callback(self)

    def _patch_task_class(self):
        import asyncio
        import asyncio.tasks as at

        tracer = self
        Base = at.Task

        class Task(Base):
            def __init__(self, coro, *args, **kwargs):
                super().__init__(coro, *args, **kwargs)
                try:
                    tracer._created(self, coro)
                except Exception:
                    pass

            def __await__(self):
                try:
                    tracer._awaited(self)
                except Exception:
                    pass
                return (yield from super().__await__())

            __iter__ = __await__

        Task.__module__ = Base.__module__
        Task.__qualname__ = Base.__qualname__
        at.Task = Task
        asyncio.Task = Task
        self.Task = Task
        self.BaseTask = Base

    def _via(self):
        f = sys._getframe(3)
        outer = None
        while f is not None:
            fn = f.f_code.co_filename
            d = os.path.dirname(os.path.abspath(fn)) if fn else ""
            if d == self.asyncio_dir:
                outer = (os.path.basename(fn), f.f_code.co_name)
            elif d != self.here:
                break
            f = f.f_back
        if outer is None:
            return "create_task"
        mod, fn = outer
        if mod == "taskgroups.py":
            return "TaskGroup"
        if mod == "runners.py" or fn == "run_until_complete":
            return "main"
        if fn in ("create_task", "ensure_future", "gather", "wait_for", "shield", "wait", "as_completed"):
            return fn
        return fn

    def _created(self, task, coro):
        code = getattr(coro, "cr_code", None)
        if code is not None and os.path.dirname(os.path.abspath(code.co_filename)) == self.asyncio_dir:
            return  # asyncio's own housekeeping (shutdown_asyncgens…), not the program's
        tid = self.id_of(task)
        parent = self.current_task()
        by = self.id_of(parent) if parent is not None else None
        name = getattr(coro, "__name__", None) or type(coro).__name__
        via = self._via()
        try:
            tname = task.get_name()
        except Exception:
            tname = None
        self.emit("created", tid, name=name, via=via, by=by, detail=tname)
        if via in ("gather", "wait_for") and by is not None:
            self.emit("awaited", tid, by=by)
        self.roots[tid] = Root(tid, name)
        task.add_done_callback(self._done)

    def _done(self, task):
        tid = self.ids.get(task)
        if tid is None:
            return
        root = self.roots.pop(tid, None)
        v = root.ended_v if root is not None else None  # the step that ended it, a little earlier
        if task.cancelled():
            self.emit("cancelled", tid, at=v)
        else:
            # _exception, not exception(): calling exception() counts as "retrieved", and asyncio
            # would no longer log "Task exception was never retrieved" for a task nobody awaited.
            exc = getattr(task, "_exception", None)
            self.emit("done", tid, at=v, detail=("raised " + type(exc).__name__) if exc is not None else None)

    def _awaited(self, task):
        by = self.current_task()
        if by is None or by is task:
            return
        self.emit("awaited", self.id_of(task), by=self.id_of(by))

    # ---- steps ---------------------------------------------------------------------
    # Every task step runs from a loop Handle whose callback is bound to the task (its
    # __step, or its __wakeup when a future it awaited completes): the Handle subclass calls
    # step_begin/step_end around it. No profiler, so no cost on the code inside the step.
    def step_begin(self, cb):
        t = getattr(cb, "__self__", None)
        if t is None or not isinstance(t, self.BaseTask):
            return None
        tid = self.ids.get(t)
        r = self.roots.get(tid) if tid is not None else None
        if r is None:
            return None
        if not r.started:
            r.started = True
            self.emit("started", tid)
        else:
            self.emit("resumed", tid)
        r.resumed_in = self.inflight.innermost(tid) or r.name
        self.step_started(r)
        return (t, r)

    def step_end(self, token):
        t, r = token
        if t.done():
            r.ended_v = self.clock.now_us()
            detail = None
            try:
                if t.cancelled():
                    detail = "cancelled"
                elif getattr(t, "_exception", None) is not None:  # not exception(): see _done
                    detail = "raised " + type(t._exception).__name__
            except Exception:
                pass
            self.inflight.finish(r.tid, detail)
        else:
            self.inflight.update(r.tid, self.inflight.chain(t))
            self.emit("suspended", r.tid)
            self._nested(t, r)
        self.step_ended(r)

    # ---- lines ---------------------------------------------------------------------
    def attribute(self, frame):
        """(task id, the user coroutines on the stack, outermost first) of a line printed now from
        `frame`; also brings the task's in-flight coroutines up to date first, so `entered` comes
        before the line."""
        t = self.current_task()
        if t is None:
            return None, [n for _, n in self.inflight.stack(frame)]
        tid = self.id_of(t)
        st = self.inflight.stack(frame)
        if tid in self.roots:
            self.inflight.update(tid, st)
        return tid, [n for _, n in st]

    def _nested(self, t, r):
        """Coroutines the task is suspended in, awaited directly (not as tasks): once each."""
        try:
            c = t.get_coro()
        except Exception:
            return
        c = getattr(c, "cr_await", None)
        depth = 0
        while c is not None and depth < 50:
            depth += 1
            code = getattr(c, "cr_code", None) or getattr(c, "gi_code", None)
            if code is None:
                return
            info = self.code_info.get(code)
            if info is None:
                fn = code.co_filename
                d = os.path.dirname(os.path.abspath(fn)) if fn else ""
                info = "" if d in (self.asyncio_dir, self.here) else code.co_name
                self.code_info[code] = info
            if info:
                key = (r.tid, info)
                if key not in self.seen_nested:
                    self.seen_nested.add(key)
                    self.emit("awaited", r.tid, by=r.tid, name=info, detail="coroutine")
            c = getattr(c, "cr_await", None) or getattr(c, "gi_yieldfrom", None)

    # ---- end -------------------------------------------------------------------------
    def flush(self):
        pass

    def describe_waiting(self):
        return describe_waiting(self)


class Root:
    __slots__ = ("tid", "name", "started", "ended_v", "step_real", "step_waited", "resumed_in")

    def __init__(self, tid, name):
        self.tid = tid
        self.name = name
        self.started = False
        self.ended_v = None
        self.step_real = 0.0
        self.step_waited = 0.0
        self.resumed_in = None
