"""What blocked the event loop: a task step that ran too long without awaiting (CPU work or a
blocking call), and time.sleep called on the loop thread. Mixed into TaskTracer (tasks.py),
whose emit, current_id and inflight it uses."""
import sys

from . import clock as _clock
from .runqueue import waited_s

CPU_BLOCKING_MS = 100  # a task step longer than this (real time, not sleeping) is reported


class Blocking:
    step_sleep = 0.0

    def step_started(self, r):
        r.step_real = _clock.real_monotonic()
        r.step_waited = waited_s()
        self.step_sleep = 0.0

    def step_ended(self, r):
        # Real time of the step, less its sleeps and the time it waited for a CPU (load).
        ran = (_clock.real_monotonic() - r.step_real - self.step_sleep - (waited_s() - r.step_waited)) * 1000
        if ran > CPU_BLOCKING_MS:
            self.emit(
                "blocking",
                r.tid,
                d=int(ran * 1000),
                name=r.resumed_in,
                detail="a step of %s() ran %d ms of real time without awaiting (CPU work or a blocking call)" % (r.resumed_in, ran),
                real=True,
            )

    def blocking_sleep(self, secs, us):
        """time.sleep(secs) on the loop thread (timefns.py): `us` of virtual or real time."""
        tid = self.current_id()
        st = self.inflight.stack(sys._getframe(2))
        name = st[-1][1] if st else None
        self.emit("blocking", tid if tid is not None else 0, d=us, name=name, detail="time.sleep(%s)" % _fmt(secs))

    def note_real_sleep(self, seconds):
        self.step_sleep += seconds


def _fmt(secs):
    try:
        f = float(secs)
        return ("%d" % f) if f == int(f) else repr(f)
    except Exception:
        return repr(secs)
