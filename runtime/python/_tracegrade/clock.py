"""The virtual clock shared by the event loop, time.sleep and the time functions.

Time is an integer number of microseconds since start-up. It moves only when every thread
that takes part in the program is durably waiting (Go's synctest rule): in a virtual
time.sleep, in the event loop's idle select, or in Thread.join. Then it jumps to the earliest
deadline. While anything else runs (a thread doing work, an executor job, a child process,
real I/O that may arrive) it holds still. A watchdog treats threads whose CPU time does not
move as blocked (a lock, a queue) so such programs still progress.

The parent owns the time: every move is a request to it (`jumper`), carrying how many lines this
process has written to stdout and stderr; the parent grants it once it has received them, and
stamps every line itself with its own virtual time at the line's arrival. So the program can only
wait, never date a line.
"""
import os
import sys
import threading
import time as _time
import _thread

real_monotonic = _time.monotonic
real_perf_counter = _time.perf_counter
real_time = _time.time
real_sleep = _time.sleep

# Real wait slices (seconds).
SLICE = 0.05
GRACE = 0.003  # let real I/O (loopback, pipes) arrive before time jumps
WATCHDOG_PERIOD = 0.01
WATCHDOG_STILL = 5  # samples without CPU progress before unknown waits count as blocked


_seq = [0]


class Sleeper:
    """A thread waiting for virtual time (deadline in µs) or for something else (None).
    depth = timer hops behind it: equal deadlines wake shallowest first, one group at a time
    (in real time the deeper one overshot more), then in registration order."""

    __slots__ = ("deadline", "waker", "external", "loop", "ident", "depth", "seq", "released", "target")

    def __init__(self, deadline, waker=None, external=False, loop=None, depth=0):
        self.deadline = deadline
        self.waker = waker
        self.external = external
        self.loop = loop
        self.ident = _thread.get_ident()
        self.depth = depth
        _seq[0] += 1
        self.seq = _seq[0]
        self.released = False
        self.target = None  # the thread a join waits for


class Clock:
    def __init__(self, virtual, wall_us, on_deadlock, on_timeout):
        self.virtual = virtual
        self.fallback = None  # reason, once the run fell back to real time
        self.now = 0
        self.real0 = real_monotonic()
        self.wall_us = wall_us
        self.lock = threading.Lock()
        self.cv = threading.Condition(self.lock)
        self.active = {_thread.get_ident()}  # participants not known to be waiting
        self.pending = 0  # threads started / executor jobs submitted but not running yet
        self.sleepers = []
        self.children = []  # subprocess.Popen objects
        self.on_deadlock = on_deadlock
        self.on_timeout = on_timeout
        self._busy_calls = 0
        self._busy_real = 0.0
        self._watchdog = None
        self._fallback_v = 0
        self._fallback_real = 0.0
        self.tls = threading.local()
        self.natives = {}
        self.jumper = None  # target µs -> granted µs (the parent), or None: move locally
        self.register_thread()

    # ---- reading the clock -------------------------------------------------
    def now_us(self):
        if not self.virtual:
            return self.real_us()
        if self.fallback is not None:
            return self._fallback_v + int((real_monotonic() - self._fallback_real) * 1e6)
        return self.now

    def real_us(self):
        return int((real_monotonic() - self.real0) * 1e6)

    def student_now_us(self):
        """The clock seen by time.time()/monotonic(): creeps forward on a busy-wait so
        `while time.time() < end: pass` still ends."""
        if self.fallback is not None or not self.virtual:
            return self.now_us()
        self._busy_calls += 1
        if self._busy_calls > 5000:
            r = real_monotonic()
            if self._busy_real:
                with self.lock:
                    self._move(self.now + max(1, int((r - self._busy_real) * 1e6)))
            self._busy_real = r
        return self.now

    def _progress(self):
        self._busy_calls = 0
        self._busy_real = 0.0

    def flip_to_real(self, reason):
        """Switch to real time; no lock (the caller may hold the channel's: see fall_back)."""
        if self.fallback is None:
            self._fallback_v = self.now
            self._fallback_real = real_monotonic()
            self.fallback = reason  # last: now_us() reads it first

    def fall_back(self, reason, announce=None):
        """`announce(flip)`: sends the record saying so, flipping under the channel's lock."""
        if announce is not None:
            announce(lambda: self.flip_to_real(reason))
        else:
            self.flip_to_real(reason)
        with self.lock:
            self.cv.notify_all()
            for s in self.sleepers:
                if s.waker:
                    s.waker()

    @property
    def jumping(self):
        return self.virtual and self.fallback is None

    # ---- participants ------------------------------------------------------
    def idle(self, sleeper):
        """Caller holds the lock. Returns whether the thread was an active participant."""
        was = sleeper.ident in self.active
        self.active.discard(sleeper.ident)
        self.sleepers.append(sleeper)
        self._progress()
        self.cv.notify_all()
        return was

    def unidle(self, sleeper, was):
        try:
            self.sleepers.remove(sleeper)
        except ValueError:
            pass
        if was:
            self.active.add(sleeper.ident)

    def children_alive(self):
        alive = []
        for p in self.children:
            if p.returncode is not None:
                continue
            try:
                with open("/proc/%d/stat" % p.pid, "rb") as f:
                    st = f.read().rsplit(b")", 1)[1].split()[0]
                if st in (b"Z", b"X"):
                    continue
            except OSError:
                continue
            alive.append(p)
        self.children = alive
        return bool(alive)

    # ---- moving time -------------------------------------------------------
    def _move(self, target):
        """Caller holds the lock. Ask the parent to move time to `target` (it grants at most the
        wall-time limit); without a parent, move locally."""
        if self.jumper is None or self.jumper(target) is None:
            self.now = min(target, self.wall_us) if self.wall_us else target
        if self.wall_us and target > self.wall_us:
            self.on_timeout()

    def _joins_progressing(self):
        for s in self.sleepers:
            t = s.target
            if t is not None and (getattr(t, "_tg_finished", False) or not getattr(t, "_tg_counted", False)):
                return True  # joining a thread that is exiting, or one we do not track: it runs
        return False

    def _someone_may_finish(self):
        return any(s.external for s in self.sleepers) or self._joins_progressing()

    def advance(self, force=False, may_deadlock=True):
        """Caller holds the lock. Jump to the next deadline when nothing else can happen."""
        if not self.jumping:
            return
        if not force and (self.active or self.pending or self._joins_progressing()):
            return
        for s in self.sleepers:
            if s.loop is not None and getattr(s.loop, "_ready", None):
                return  # a thread handed the loop work (call_soon_threadsafe) it has not run yet
        if self.children_alive():
            return
        deadlines = [s.deadline for s in self.sleepers if s.deadline is not None and not s.released]
        if any(s.released for s in self.sleepers):
            return  # someone was just woken and has not run yet
        if not deadlines:
            if force or not may_deadlock or self._someone_may_finish():
                return  # real I/O may still arrive, or we are unsure: wait for the wall limit
            if self.sleepers:
                self.on_deadlock()
            return
        timed = [s for s in self.sleepers if s.deadline is not None and not s.released]
        if not timed:
            return
        best = min(timed, key=lambda s: (s.deadline, s.depth, s.seq))
        if best.deadline > self.now:
            self._move(best.deadline)
        group = (best.deadline, best.depth)
        for s in timed:
            if (s.deadline, s.depth) == group:
                s.released = True
                if s.waker and s.ident != _thread.get_ident():
                    s.waker()
        self.cv.notify_all()

    def sleep(self, us):
        """A virtual time.sleep in any thread."""
        depth = getattr(self.tls, "depth", 0) + 1
        me = Sleeper(None, depth=depth)
        with self.cv:
            me.deadline = self.now + us
            was = self.idle(me)
            try:
                self.advance()
                while not me.released and self.jumping:
                    self.cv.wait(SLICE)
            finally:
                self.unidle(me, was)
                self.tls.depth = depth
        if not self.jumping:
            # fell back to real time while sleeping: sleep what is left for real
            left = (me.deadline - self.now_us()) / 1e6
            if left > 0:
                real_sleep(left)

    def wait_idle(self, fn, *args, target=None, external=False):
        """Run a known-blocking wait (Thread.join…) with the caller marked as waiting."""
        me = Sleeper(None, external=external)
        me.target = target
        with self.cv:
            was = self.idle(me)
            self.advance()
        try:
            return fn(*args)
        finally:
            with self.cv:
                self.unidle(me, was)

    # ---- threads the program starts ----------------------------------------
    def ensure_watchdog(self):
        if self._watchdog is not None or not self.virtual:
            return
        t = threading.Thread(target=self._watch, name="tracegrade-watchdog", daemon=True)
        t._tg_ignore = True
        self._watchdog = t
        t.start()

    def register_thread(self):
        try:
            self.natives[_thread.get_ident()] = threading.get_native_id()
        except Exception:
            pass

    def _progress_of(self, ident):
        """Seconds this thread spent running or waiting for a CPU (Linux schedstat): a thread
        that is runnable but starved on a loaded machine still counts as making progress."""
        nid = self.natives.get(ident)
        if nid is not None:
            try:
                with open("/proc/self/task/%d/schedstat" % nid, "rb") as f:
                    a = f.read().split()
                return (int(a[0]) + int(a[1])) / 1e9
            except (OSError, ValueError, IndexError):
                pass
        try:
            return _time.clock_gettime(_time.pthread_getcpuclockid(ident))
        except Exception:
            return None

    def _watch(self):
        last = {}
        still = 0
        last_now = -1
        while True:
            real_sleep(WATCHDOG_PERIOD)
            with self.cv:
                if not self.jumping:
                    return
                waiting = any(s.deadline is not None for s in self.sleepers)
                if not self.active or self.pending or not waiting or self.children_alive():
                    still = 0
                    last = {}
                    continue
                cpu = {i: self._progress_of(i) for i in self.active}
                moved = self.now != last_now or any(
                    c is None or i not in last or last[i] is None or c - last[i] > 0.0001 for i, c in cpu.items()
                )
                last, last_now = cpu, self.now
                still = 0 if moved else still + 1
                if still >= WATCHDOG_STILL:
                    still = 0
                    self.advance(force=True)


def us_of(seconds):
    try:
        return max(0, int(round(float(seconds) * 1e6)))
    except (TypeError, ValueError, OverflowError):
        return 0
