"""The tracer's state in one instrumented run: its clock, channel, taps and what it counted."""
import atexit
import os
import sys
import threading
import _thread

from . import clock as _clock
from . import tbclean
from .coros import Inflight, UserCode
from .endings import Endings
from .imports import on_import
from .linetap import LineTap
from .threads import ThreadBook, patch_executor, patch_subprocess, patch_threads
from .timefns import patch_time


class State(Endings):
    def __init__(self, virtual, wall_us, chan, witness=False):
        self.chan = chan
        # The parent reads our stack while an attributed line's record waits for its answer
        # (witness.py): the attribution is then checked against the real frames.
        self.witness = witness
        self.clock = _clock.Clock(virtual, wall_us, self._deadlock, self._timeout)
        self.ids = None  # WeakKeyDictionary task -> id, created with asyncio
        self.next_id = 1
        self.loops = None
        self.taps = []
        self.tasks = None
        self.ended = False
        # What the program did besides asyncio tasks, for the end record: lets a failed task
        # check say "started 2 threads" or "waited with time.sleep" instead of guessing.
        self.threads = 0
        self.thread_names = []
        self.sleeps = 0
        self.slept_us = 0
        self.book = ThreadBook()
        self.user = Inflight(UserCode(os.path.dirname(os.path.abspath(__file__))), None)
        chan.stamp = lambda: (self.clock.now_us(), self.clock.real_us())
        if self.clock.virtual:
            self.clock.jumper = self.jump

    # ---- records -------------------------------------------------------------
    def send(self, rec):
        self.chan.send(rec)

    def jump(self, target):
        """Ask the parent to move virtual time to `target` µs once it has our lines; None: no parent."""
        out = sum(t.tg_newlines for t in self.taps if t._tg_name == "stdout")
        err = sum(t.tg_newlines for t in self.taps if t._tg_name == "stderr")
        c = self.clock

        def apply(reply):
            c.now = max(c.now, int(reply))

        try:
            rec = {"k": "jump", "to": target, "o": out, "e": err}
            if self.witness:
                rec["tid"] = _thread.get_ident()  # the parent looks at what this thread is doing
            return self.chan.request(rec, apply)
        except ValueError:
            self.chan.broken = True
            return None

    def line(self, stream, text, partial):
        rec = {"k": "line", "s": stream, "x": text, "th": self.book.number()}
        frame = sys._getframe(1)
        if self.tasks is not None:
            tid, names = self.tasks.attribute(frame)
        else:
            tid, names = None, [n for _, n in self.user.stack(frame)]
        if tid is not None:
            rec["task"] = tid
        if names:
            rec["coro"] = names[-1]
            if len(names) > 1:
                # The coroutines it runs inside (outermost first): a helper's line is also the
                # work of the coroutine that awaited it, in whichever task (`by:`).
                rec["outer"] = names[-17:-1]
        if partial:
            rec["partial"] = True
        if self.witness and (tid is not None or names):
            rec["w"] = 1
            rec["tid"] = _thread.get_ident()
            t0 = _clock.real_monotonic()
            self._flush(stream)  # the line is out before its record: the parent looks for it
            self.chan.request(rec)
            if self.tasks is not None:
                # Waiting for the parent's look is not the step's own time (Blocking.step_ended).
                self.tasks.note_real_sleep(_clock.real_monotonic() - t0)
        else:
            self.send(rec)

    def _flush(self, stream):
        for t in self.taps:
            if t._tg_name == stream:
                try:
                    t._tg_stream.flush()
                except Exception:
                    pass

    def current_task_id(self):
        if self.tasks is None:
            return None
        return self.tasks.current_id()

    # ---- install -------------------------------------------------------------
    def install(self):
        c = self.clock
        hello = {"k": "hello", "clock": "virtual" if c.virtual else "real", "py": sys.version.split()[0], "pid": os.getpid()}
        if self.witness:
            from . import witness

            # Before the program's first line: what the parent learns here (where the tracer
            # waits for its look, which files are the interpreter's) is not the program's word.
            hello.update(witness.hello_fields(self.user.user.roots))
            witness.guard(self.user.user.roots)
        self.send(hello)
        tbclean.install()
        patch_time(self)
        patch_threads(self)
        self._patch_exit()
        # Patched when first imported: a program without asyncio does not pay for importing it.
        on_import("subprocess", lambda m: patch_subprocess(self))
        on_import("concurrent.futures.thread", lambda m: patch_executor(self))
        on_import("asyncio", lambda m: self._install_tasks())
        for name in ("stdout", "stderr"):
            s = getattr(sys, name)
            if s is not None:
                tap = LineTap(s, name, self)
                self.taps.append(tap)
                setattr(sys, name, tap)
        atexit.register(self._at_exit)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forked_child)

    def _forked_child(self):
        # A forked child (multiprocessing, or a forger's os.fork) must not write to the parent's
        # channel or judge deadlocks of a process it is not: it runs uninstrumented, in real
        # time. The channel fd is closed in the child (the parent's end stays open), so nothing
        # the child does can reach it: what it prints has no record, and no `by:` selector
        # matches it.
        self.chan.close()
        self.ended = True
        c = self.clock
        c.lock = threading.Lock()
        c.cv = threading.Condition(c.lock)
        c._fallback_v = c.now
        c._fallback_real = _clock.real_monotonic()
        c.fallback = "forked child"
        c.sleepers = []
        c.active = {_thread.get_ident()}

    def note_thread(self, t):
        self.threads += 1
        if len(self.thread_names) < 8:
            tgt = getattr(t, "_target", None)
            name = getattr(tgt, "__name__", None) if tgt is not None else type(t).__name__
            if isinstance(name, str):
                self.thread_names.append(name[:60])

    def activity(self):
        tr = self.tasks
        return {
            "asyncio": tr is not None,
            "loopRan": bool(tr is not None and tr.loop_ran),
            "threads": self.threads,
            "threadNames": self.thread_names,
            "sleeps": self.sleeps,
            "sleptUs": self.slept_us,
            # For the parent's cross-check with /proc: threads besides the main one, most at once.
            "started": self.book.started,
            "most": self.book.most,
            "helpers": self.book.helpers,
        }

    def _install_tasks(self):
        from . import tasks as _tasks

        tracer = _tasks.TaskTracer(self)
        tracer.install()
        self.tasks = tracer
