"""Start-up of the instrumentation: called from sitecustomize before the entry runs.

Environment (removed from os.environ once read, so child processes run uninstrumented):
  TRACEGRADE_CLOCK       virtual | real
  TRACEGRADE_CHANNEL_FD  fd of the side channel (3)
  TRACEGRADE_KEY         key signing the channel's records
  TRACEGRADE_SEED        seeds `random` before the entry runs (both clock modes)
  TRACEGRADE_WALL_MS     wall-time limit: virtual time never runs past it
"""
import atexit
import os
import sys
import threading
import time
import _thread

from . import clock as _clock
from . import tbclean
from .channel import open_channel
from .coros import Inflight, UserCode
from .imports import on_import
from .linetap import LineTap
from .threads import ThreadBook, patch_executor, patch_subprocess, patch_threads
from .timefns import patch_time

STATE = None
_REAL_EXIT = os._exit


def _pop(name, default=""):
    return os.environ.pop(name, default)


def start():
    global STATE
    if STATE is not None:
        return
    mode = _pop("TRACEGRADE_CLOCK", "real")
    seed = _pop("TRACEGRADE_SEED", "")
    wall = _pop("TRACEGRADE_WALL_MS", "")
    chan = open_channel()
    _strip_pythonpath()
    if mode == "start":
        # Only tell the parent when the program's own code begins (its start-up is not the
        # program's time), then get out of the way: nothing is patched.
        import sys

        chan.send({"k": "hello", "clock": "start", "py": sys.version.split()[0], "pid": os.getpid()})
        chan.close()
        return
    if seed:
        import random

        try:
            random.seed(int(seed))
        except ValueError:
            random.seed(seed)
    wall_us = int(float(wall) * 1000) if wall else 0
    STATE = State(mode == "virtual", wall_us, chan)
    STATE.install()


def _strip_pythonpath():
    # Our runtime dir stays on sys.path (already imported); child Pythons need not see it.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pp = os.environ.get("PYTHONPATH")
    if pp is not None:
        rest = [p for p in pp.split(os.pathsep) if p and os.path.abspath(p) != here]
        if rest:
            os.environ["PYTHONPATH"] = os.pathsep.join(rest)
        else:
            del os.environ["PYTHONPATH"]


class State:
    def __init__(self, virtual, wall_us, chan):
        self.chan = chan
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
            return self.chan.request({"k": "jump", "to": target, "o": out, "e": err}, apply)
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
        self.send(rec)

    def current_task_id(self):
        if self.tasks is None:
            return None
        return self.tasks.current_id()

    # ---- install -------------------------------------------------------------
    def install(self):
        c = self.clock
        self.send({"k": "hello", "clock": "virtual" if c.virtual else "real", "py": sys.version.split()[0], "pid": os.getpid()})
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

    def _patch_exit(self):
        # os._exit skips atexit: send the end record first (the parent expects one after an exit).
        orig = os._exit
        state = self

        def _exit(code):
            try:
                state._finish("exit")
            except BaseException:
                pass
            orig(code)

        os._exit = _exit

    def _install_tasks(self):
        from . import tasks as _tasks

        tracer = _tasks.TaskTracer(self)
        tracer.install()
        self.tasks = tracer

    # ---- endings -------------------------------------------------------------
    def _flush_streams(self):
        for tap in self.taps:
            try:
                tap._tg_stream.flush()
            except Exception:
                pass
            try:
                tap.tg_flush_partial()
            except Exception:
                pass

    def _finish(self, reason, detail=None, extra=None):
        if self.ended:
            return
        self.ended = True
        self._flush_streams()
        if self.tasks is not None:
            try:
                self.tasks.flush()
            except Exception:
                pass
        rec = {"k": "end", "reason": reason}
        try:
            rec["act"] = self.activity()
        except Exception:
            pass
        if detail:
            rec["detail"] = detail
        if extra:
            rec.update(extra)
        if self.clock.fallback:
            rec["fallback"] = self.clock.fallback
        # A request: the parent looks at our threads in /proc before it answers.
        self.chan.request(rec)

    def _at_exit(self):
        self._finish("exit")

    def _deadlock(self):
        # Nothing can run, no timer is pending and nothing outside can wake us: report and stop.
        waiting = []
        try:
            waiting = self.tasks.describe_waiting() if self.tasks is not None else []
        except Exception:
            pass
        t = self.clock.now / 1e6
        detail = "deadlock at %.3f s (virtual): nothing left to run and no timer pending" % t
        if waiting:
            detail += "; waiting: " + "; ".join(waiting)
        else:
            detail += "; every thread is waiting"
        self._finish("deadlock", detail, {"waiting": waiting})
        _die_like_a_timeout()

    def _timeout(self):
        detail = "virtual time reached the %.3g s wall-time limit" % (self.clock.wall_us / 1e6)
        self._finish("timeout", detail)
        _die_like_a_timeout()


def _die_like_a_timeout():
    # In real time the harness would stop this program with SIGTERM at the wall-time limit:
    # end the same way, so the run looks the same to the parent (exit status, wrappers).
    import signal

    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except Exception:
        pass
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        _clock.real_sleep(1)
    finally:
        _REAL_EXIT(143)
