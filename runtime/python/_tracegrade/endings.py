"""How an instrumented run ends: the end record (exit, os._exit, deadlock, virtual timeout).

A mixin of boot's State: it reads the state's taps, tasks, clock and channel.
"""
import os

from . import clock as _clock

_REAL_EXIT = os._exit


class Endings:
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
