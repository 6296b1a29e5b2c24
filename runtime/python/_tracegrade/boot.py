"""Start-up of the instrumentation: called from sitecustomize before the entry runs.

Environment (removed from os.environ once read, so child processes run uninstrumented):
  TRACEGRADE_CLOCK       virtual | real | start (only the start marker)
  TRACEGRADE_CHANNEL_FD  fd of the side channel (3)
  TRACEGRADE_KEY         key signing the channel's records
  TRACEGRADE_SEED        seeds `random` before the entry runs (both clock modes)
  TRACEGRADE_WALL_MS     wall-time limit: virtual time never runs past it
  TRACEGRADE_WARM        a pre-started run: wait (at most this many seconds) for the parent's go
  TRACEGRADE_WITNESS     1: the parent reads our Python stack at the hello and at each attributed
                         line (witness.py), so those records wait for its answer
"""
import os
import sys

from .channel import open_channel

STATE = None


def _pop(name, default=""):
    return os.environ.pop(name, default)


def start():
    global STATE
    if STATE is not None:
        return
    mode = _pop("TRACEGRADE_CLOCK", "real")
    seed = _pop("TRACEGRADE_SEED", "")
    wall = _pop("TRACEGRADE_WALL_MS", "")
    warm = _pop("TRACEGRADE_WARM", "")
    witness = _pop("TRACEGRADE_WITNESS", "") == "1"
    chan = open_channel()
    _strip_pythonpath()
    if warm:
        try:
            from .warm import wait_for_go

            go = wait_for_go(chan, float(warm), tracing=mode != "start")
        except BaseException:
            go = False
        if not go:
            # No go (the run was cancelled, the parent is gone) or the wait itself failed:
            # nothing of the program may run. The parent starts the run cold if it still wants it.
            os._exit(0)
    if mode == "start":
        # Only tell the parent when the program's own code begins (its start-up is not the
        # program's time), then get out of the way: nothing is patched.
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
    # Imported here: a run with only the start marker never loads the tracing machinery.
    from .state import State

    STATE = State(mode == "virtual", wall_us, chan, witness)
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
