"""Threads, executor jobs and child processes, as the virtual clock must know them: a started
thread is a participant until it waits; a submitted job holds time still until it ends; a live
child process holds time still. Each thread also gets its number for the line records
(0 = main, n = the n-th thread started), and the most threads alive at once is counted: the
parent compares it with the threads it sees in /proc itself."""
import threading
import _thread

START_SETTLE = 0.05  # real seconds a started thread may run before its starter continues


class ThreadBook:
    """Numbers of threads by ident, and how many ran (the end record reports both)."""

    def __init__(self):
        self.numbers = {_thread.get_ident(): 0}
        self.started = 0  # every thread started besides the tracer's own (workers included)
        self.program = 0  # threads the program started itself (workers not counted)
        self.names = []
        self.alive = 0
        self.most = 0
        self.helpers = 0  # the tracer's own threads (the clock's watchdog)
        self.lock = _thread.allocate_lock()
        self.announce = None  # n -> None: tells the parent a thread was numbered

    def number(self, ident=None):
        ident = _thread.get_ident() if ident is None else ident
        n = self.numbers.get(ident)
        if n is None:  # a thread started behind threading's back (_thread.start_new_thread)
            with self.lock:
                self.started += 1
                n = self.numbers.setdefault(ident, self.started)
            if self.announce is not None:
                self.announce(n)
        return n

    def running(self, delta):
        with self.lock:
            self.alive += delta
            self.most = max(self.most, self.alive)


def _is_worker(t):
    tgt = getattr(t, "_target", None)
    return getattr(tgt, "__module__", "") == "concurrent.futures.thread" and getattr(tgt, "__name__", "") == "_worker"


def patch_threads(state):
    c = state.clock
    book = state.book
    T = threading.Thread
    orig_start, orig_boot, orig_join = T.start, T._bootstrap_inner, T.join

    def start(self):
        ours = getattr(self, "_tg_ignore", False)
        counted = not ours and not _is_worker(self)
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
        if getattr(self, "_tg_ignore", False):
            with book.lock:
                book.helpers += 1
        else:
            with book.lock:
                book.started += 1
                n = book.numbers[_thread.get_ident()] = book.started
            book.running(1)
            # As it happens, not only in the end record: a run that never ends still accounts for it.
            state.send({"k": "thread", "n": n})
        if counted:
            c.register_thread()
            with c.cv:
                c.pending -= 1
                c.active.add(_thread.get_ident())
        try:
            return orig_boot(self)
        finally:
            if not getattr(self, "_tg_ignore", False):
                book.running(-1)
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

    book.announce = lambda n: state.send({"k": "thread", "n": n})
    _patch_raw_threads(book)


def _patch_raw_threads(book):
    # Threads started behind threading's back still count (the parent sees them in /proc).
    orig = _thread.start_new_thread

    def start_new_thread(fn, args, kwargs=None):
        def run(*a, **k):
            book.number()
            book.running(1)
            try:
                return fn(*a, **k)
            finally:
                book.running(-1)

        return orig(run, args, kwargs or {})

    _thread.start_new_thread = start_new_thread
    if getattr(_thread, "start_new", None) is not None:
        _thread.start_new = start_new_thread


def patch_executor(state):
    import concurrent.futures.thread as cft

    c = state.clock
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


def patch_subprocess(state):
    import subprocess

    c = state.clock
    P = subprocess.Popen
    orig = P.__init__

    def init(self, *a, **k):
        orig(self, *a, **k)
        with c.cv:
            c.children.append(self)
        c.ensure_watchdog()

    P.__init__ = init
