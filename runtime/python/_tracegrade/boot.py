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
from .channel import open_channel

STATE = None


class _HookedLoader:
    """Runs hooks right after a module's code ran, before the importer gets it."""

    def __init__(self, inner, hooks):
        self._inner = inner
        self._hooks = hooks

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        for h in self._hooks:
            try:
                h(module)
            except Exception as e:
                sys.__stderr__.write("tracegrade: instrumentation of %s failed: %r\n" % (module.__name__, e))

    def __getattr__(self, name):
        return getattr(self._inner, name)


class _PostImportFinder:
    def __init__(self):
        self.hooks = {}

    def find_spec(self, name, path=None, target=None):
        if name not in self.hooks:
            return None
        for f in sys.meta_path:
            if f is self or not hasattr(f, "find_spec"):
                continue
            spec = f.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _HookedLoader(spec.loader, self.hooks.pop(name))
        return spec


_finder = _PostImportFinder()


def on_import(name, hook):
    mod = sys.modules.get(name)
    if mod is not None:
        hook(mod)
        return
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    _finder.hooks.setdefault(name, []).append(hook)
START_SETTLE = 0.05  # real seconds a started thread may run before its starter continues


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


class LineTap:
    """Forwards to the real stream and reports each complete line with its time and task."""

    MAX = 65536

    def __init__(self, stream, name, state):
        self._tg_stream = stream
        self._tg_name = name
        self._tg_state = state
        self._tg_buf = []
        self._tg_len = 0

    def write(self, s):
        n = self._tg_stream.write(s)
        if isinstance(s, str) and s:
            try:
                self._tg_lines(s)
            except Exception:
                pass
        return n

    def _tg_lines(self, s):
        while s:
            i = s.find("\n")
            if i < 0:
                if self._tg_len <= self.MAX:
                    self._tg_buf.append(s)
                self._tg_len += len(s)
                return
            head, s = s[:i], s[i + 1 :]
            if self._tg_len <= self.MAX:
                self._tg_buf.append(head)
            long = self._tg_len + len(head) > self.MAX
            text = "".join(self._tg_buf)
            self._tg_buf, self._tg_len = [], 0
            if not long:
                self._tg_state.line(self._tg_name, text, False)

    def tg_flush_partial(self):
        if self._tg_buf and self._tg_len <= self.MAX:
            self._tg_state.line(self._tg_name, "".join(self._tg_buf), True)
        self._tg_buf, self._tg_len = [], 0

    def writelines(self, lines):
        for l in lines:
            self.write(l)

    def flush(self):
        return self._tg_stream.flush()

    def __getattr__(self, name):
        return getattr(self._tg_stream, name)

    def __iter__(self):
        return iter(self._tg_stream)


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

    # ---- records -------------------------------------------------------------
    def send(self, rec):
        rec["v"] = self.clock.now_us()
        rec["r"] = self.clock.real_us()
        self.chan.send(rec)

    def line(self, stream, text, partial):
        rec = {"k": "line", "s": stream, "x": text}
        tid = self.current_task_id()
        if tid is not None:
            rec["task"] = tid
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
        self._patch_time()
        self._patch_threads()
        # Patched when first imported: a program without asyncio does not pay for importing it.
        on_import("subprocess", lambda m: self._patch_subprocess())
        on_import("concurrent.futures.thread", lambda m: self._patch_executor())
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
        # A forked child (multiprocessing) must not write to the parent's channel or judge
        # deadlocks of a process it is not: it runs uninstrumented, in real time.
        self.chan.broken = True
        self.ended = True
        c = self.clock
        c.lock = threading.Lock()
        c.cv = threading.Condition(c.lock)
        c._fallback_v = c.now
        c._fallback_real = _clock.real_monotonic()
        c.fallback = "forked child"
        c.sleepers = []
        c.active = {_thread.get_ident()}

    def _patch_time(self):
        c = self.clock
        state = self

        def sleep(secs):
            us = _clock.us_of(secs)
            if secs < 0:
                return _clock.real_sleep(secs)  # the real ValueError
            blocking = state.tasks is not None and state.tasks.loop_running_here()
            if us > 0:
                state.sleeps += 1
                state.slept_us += us
            if blocking and us > 0:
                state.tasks.blocking_sleep(secs, us)
            if us <= 0:
                return _clock.real_sleep(0)
            if not c.jumping:
                t0 = _clock.real_monotonic()
                _clock.real_sleep(secs)
                if blocking:
                    state.tasks.note_real_sleep(_clock.real_monotonic() - t0)
                return None
            c.sleep(us)

        sleep.__doc__ = time.sleep.__doc__
        time.sleep = sleep
        if not c.virtual:
            return
        mono0 = _clock.real_monotonic()
        perf0 = _clock.real_perf_counter()
        wall0 = _clock.real_time()
        mono0_ns = time.monotonic_ns()
        perf0_ns = time.perf_counter_ns()
        wall0_ns = time.time_ns()
        now = c.student_now_us
        time.monotonic = lambda: mono0 + now() / 1e6
        time.perf_counter = lambda: perf0 + now() / 1e6
        time.time = lambda: wall0 + now() / 1e6
        time.monotonic_ns = lambda: mono0_ns + now() * 1000
        time.perf_counter_ns = lambda: perf0_ns + now() * 1000
        time.time_ns = lambda: wall0_ns + now() * 1000

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
        }

    def _patch_threads(self):
        c = self.clock
        state = self
        T = threading.Thread
        orig_start, orig_boot, orig_join = T.start, T._bootstrap_inner, T.join

        def is_worker(t):
            tgt = getattr(t, "_target", None)
            return getattr(tgt, "__module__", "") == "concurrent.futures.thread" and getattr(tgt, "__name__", "") == "_worker"

        def start(self):
            counted = not getattr(self, "_tg_ignore", False) and not is_worker(self)
            if counted:
                state.note_thread(self)
                self._tg_counted = True
                with c.cv:
                    c.pending += 1
                c.ensure_watchdog()
            try:
                orig_start(self)
            except BaseException:
                if counted:
                    with c.cv:
                        c.pending -= 1
                        self._tg_counted = False
                raise
            if counted and c.jumping:
                # What threads do at the same virtual instant is otherwise a race: let the new
                # thread run until it first waits (sleep, join) or ends, as it usually does in
                # real time. Bounded, in case it waits on something the starter holds.
                ident = self.ident
                with c.cv:
                    c.cv.wait_for(lambda: ident not in c.active, START_SETTLE)

        def bootstrap_inner(self):
            counted = getattr(self, "_tg_counted", False)
            if counted:
                c.register_thread()
                with c.cv:
                    c.pending -= 1
                    c.active.add(_thread.get_ident())
            try:
                return orig_boot(self)
            finally:
                if counted:
                    with c.cv:
                        self._tg_finished = True
                        c.active.discard(_thread.get_ident())
                        c.advance(may_deadlock=False)
                        c.cv.notify_all()

        def join(self, timeout=None):
            if not self.is_alive():
                return orig_join(self, timeout)
            return c.wait_idle(orig_join, self, timeout, target=self)

        T.start, T._bootstrap_inner, T.join = start, bootstrap_inner, join

        orig_shutdown = getattr(threading, "_shutdown", None)
        if orig_shutdown is not None:
            # The interpreter waiting for non-daemon threads at exit is a known wait.
            def shutdown():
                main = threading.main_thread()
                if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
                    return c.wait_idle(orig_shutdown, external=True)
                return orig_shutdown()

            threading._shutdown = shutdown

    def _patch_executor(self):
        import concurrent.futures.thread as cft

        c = self.clock
        WI = cft._WorkItem
        orig_init, orig_run = WI.__init__, WI.run

        def wi_init(self, *a, **k):
            orig_init(self, *a, **k)
            self._tg_pending = True
            with c.cv:
                c.pending += 1
            c.ensure_watchdog()

        def wi_run(self, *a, **k):
            me = _thread.get_ident()
            if me not in c.natives:
                c.register_thread()
            with c.cv:
                if getattr(self, "_tg_pending", False):
                    self._tg_pending = False
                    c.pending -= 1
                c.active.add(me)
            try:
                return orig_run(self, *a, **k)
            finally:
                with c.cv:
                    c.active.discard(me)
                    c.advance(may_deadlock=False)

        WI.__init__, WI.run = wi_init, wi_run

    def _install_tasks(self):
        from . import tasks as _tasks

        tracer = _tasks.TaskTracer(self)
        tracer.install()
        self.tasks = tracer

    def _patch_subprocess(self):
        import subprocess

        c = self.clock
        P = subprocess.Popen
        orig = P.__init__

        def init(self, *a, **k):
            orig(self, *a, **k)
            with c.cv:
                c.children.append(self)
            c.ensure_watchdog()

        P.__init__ = init

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
        self.send(rec)

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
        os._exit(143)
