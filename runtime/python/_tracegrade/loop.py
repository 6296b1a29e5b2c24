"""The virtual clock inside every asyncio selector event loop.

`BaseSelectorEventLoop.__init__` is wrapped, so asyncio.run, new_event_loop and the old
get_event_loop().run_until_complete all get a loop whose time() is the virtual clock and whose
selector jumps to the next timer when nothing can happen. Handles carry a depth (timer hops
behind them) so equal deadlines fire in the order real time would give them. The wrapped
`_set_running_loop` tells the task trace which thread runs which loop.
"""
import weakref
import _thread

from . import clock as _clock


class LoopHooks:
    def __init__(self, tracer):
        self.tracer = tracer
        self.clock = tracer.clock
        self.loops = tracer.loops
        self.loop_threads = tracer.loop_threads

    def install(self):
        self._patch_loops()
        self._patch_running_loop()

    def _patch_loops(self):
        import asyncio.selector_events as se

        tracer, hooks, c = self.tracer, self, self.clock
        B = se.BaseSelectorEventLoop
        orig_init = B.__init__

        def init(loop, *a, **k):
            orig_init(loop, *a, **k)
            loop._tg_ours = True
            tracer.loops.add(loop)
            if not c.virtual:
                return
            loop.time = lambda: c.now_us() / 1e6
            loop._clock_resolution = 1e-6
            loop._tg_stash = []
            sel = loop._selector
            sel.select = hooks._make_select(loop, sel, sel.select)

        B.__init__ = init
        self._patch_handles(c.virtual)

    def _patch_handles(self, virtual):
        # Equal deadlines: in real time a timer reached through more sleeps is a little later
        # (each wake-up overshoots), so "done fetching" (one 2 s sleep) beats "8" (eight 0.25 s
        # sleeps) and everything it triggers runs first. Each handle carries a depth, the number
        # of timer hops behind it; equal deadlines fire by depth, then in scheduling order, and a
        # deeper group waits until the ready queue is empty (see _hold_deeper).
        import asyncio.events as ev
        import itertools

        tracer = self.tracer
        counter = itertools.count()
        HBase, TBase = ev.Handle, ev.TimerHandle

        class Handle(HBase):
            __slots__ = ("_tg_depth",)

            def __init__(self, *a, **k):
                super().__init__(*a, **k)
                self._tg_depth = tracer.depth

            def _run(self):
                prev = tracer.depth
                tracer.depth = self._tg_depth
                token = tracer.step_begin(self._callback)
                try:
                    return super()._run()
                finally:
                    tracer.depth = prev
                    if token is not None:
                        tracer.step_end(token)

        Handle.__module__ = HBase.__module__
        Handle.__qualname__ = HBase.__qualname__
        ev.Handle = Handle
        if not virtual:
            return

        class TimerHandle(TBase):
            __slots__ = ("_tg_seq", "_tg_depth", "_tg_us")

            def __init__(self, when, *a, **k):
                super().__init__(when, *a, **k)
                self._tg_seq = next(counter)
                self._tg_depth = tracer.depth + 1
                self._tg_us = int(round(when * 1e6))

            def _key(self):
                return (self._tg_us, self._tg_depth, self._tg_seq)

            def __lt__(self, other):
                return self._key() < other._key()

            def __gt__(self, other):
                return other._key() < self._key()

            def __le__(self, other):
                return not other._key() < self._key()

            def __ge__(self, other):
                return not self._key() < other._key()

            __hash__ = TBase.__hash__

            def _run(self):
                prev = tracer.depth
                tracer.depth = self._tg_depth
                try:
                    return super()._run()
                finally:
                    tracer.depth = prev

        TimerHandle.__module__ = TBase.__module__
        TimerHandle.__qualname__ = TBase.__qualname__
        ev.TimerHandle = TimerHandle

    def _hold_deeper(self, loop, now):
        """Keep only the shallowest group of due timers in the heap; stash the rest."""
        import heapq

        sched = loop._scheduled
        due = [h for h in sched if getattr(h, "_tg_us", 1 << 62) <= now]
        if not due:
            return
        top = min((h._tg_us, h._tg_depth) for h in due)
        later = [h for h in due if (h._tg_us, h._tg_depth) != top]
        if not later:
            return
        ids = set(map(id, later))
        sched[:] = [h for h in sched if id(h) not in ids]
        heapq.heapify(sched)
        loop._tg_stash.extend(later)

    def _release_stash(self, loop):
        import heapq

        st = loop._tg_stash
        top = min((h._tg_us, h._tg_depth) for h in st)
        keep = []
        for h in st:
            if (h._tg_us, h._tg_depth) == top:
                heapq.heappush(loop._scheduled, h)
            else:
                keep.append(h)
        loop._tg_stash = keep

    def _make_select(self, loop, sel, orig):
        c = self.clock
        tracer = self
        wref = weakref.ref(loop)

        def waker():
            lp = wref()
            if lp is not None:
                try:
                    lp._write_to_self()
                except Exception:
                    pass

        def select(timeout=None):
            lp = wref()
            stash = lp is not None and lp._tg_stash
            ev = orig(0)
            if ev or (timeout is not None and timeout <= 0):
                if lp is not None and c.jumping:
                    tracer._hold_deeper(lp, c.now)
                return ev
            if not c.jumping:
                return orig(timeout)
            if stash:
                # nothing ready at this instant: the next (deeper) group of due timers fires
                tracer._release_stash(lp)
                tracer._hold_deeper(lp, c.now)
                return ev
            try:
                external = len(sel.get_map()) > 1  # more than the loop's self-pipe
            except Exception:
                external = True
            if external:
                ev = orig(_clock.GRACE)
                if ev:
                    return ev
            me = _clock.Sleeper(None, waker, external, loop)
            with c.cv:
                if timeout is not None:
                    me.deadline = c.now + max(1, _clock.us_of(timeout))
                    try:
                        me.depth = loop._scheduled[0]._tg_depth
                    except Exception:
                        pass
                was = c.idle(me)
                c.advance()
                reached = me.released
            try:
                while not reached and c.jumping:
                    ev = orig(_clock.SLICE)
                    if ev:
                        return ev
                    with c.cv:
                        c.advance()
                        reached = me.released
                ev = orig(0)
                if lp is not None:
                    tracer._hold_deeper(lp, c.now)
                return ev
            finally:
                with c.cv:
                    c.unidle(me, was)

        return select

    def _patch_running_loop(self):
        import asyncio.events as ev

        orig = ev._set_running_loop
        tracer = self

        def set_running_loop(loop):
            orig(loop)
            tracer._loop_changed(loop)

        ev._set_running_loop = set_running_loop

    def _loop_changed(self, loop):
        me = _thread.get_ident()
        if loop is None:
            self.loop_threads.pop(me, None)
            return
        if not getattr(loop, "_tg_ours", False) and self.clock.virtual and self.clock.fallback is None:
            why = "the event loop is %s.%s, not asyncio's selector loop (uvloop or a custom loop): it runs in real time" % (
                type(loop).__module__,
                type(loop).__name__,
            )
            chan = self.tracer.state.chan
            self.clock.fall_back(why, lambda flip: chan.send({"k": "fallback", "why": why}, before=flip))
        self.loop_threads[me] = loop
        self.loops.add(loop)
        self.tracer.loop_ran = True

