"""time.sleep and the time functions, replaced before the entry runs (`from time import sleep`
then binds ours). On the loop thread a sleep blocks the loop: it is reported as a blocking event
and, under the virtual clock, advances time; in other threads it is a virtual wait."""
import time

from . import clock as _clock


def patch_time(state):
    c = state.clock

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
