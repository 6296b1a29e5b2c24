"""The forked program's own start (forkserver.py): in the run's sandbox, as the interpreter would
have started `python entry` there: its fds, session, limits, privileges, environment, argv,
path and stdio, then the entry as a fresh __main__, ending as the interpreter ends. What it sees
of its own process is made as a started program's in forkview.py.

Imported by the server before any fork: the names __main__ starts with are read from the
server's own start, the same in every fork.
"""
import atexit
import os
import signal
import sys

from . import boot, forkjoin, forkview

# The names the interpreter gives __main__ before it runs a file, in its order.
_MAIN_START = [k for k in vars(sys.modules["__main__"]) if k.startswith("__") and k.endswith("__")]
_interrupted = False


def prepare(req, fds):
    """Everything before the program, in the program's process: nothing of the server left.
    Returns the entry's name."""
    for n, fd in enumerate(fds):
        os.dup2(fd, n)
        os.close(fd)
    os.closerange(len(fds), 65536)
    os.setsid()
    forkjoin.die_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    forkjoin.set_limits(req["limits"])
    forkjoin.drop_privileges(req["uid"], req["gid"])
    _fresh_stdio()
    os.chdir(req["cwd"])
    os.getppid = forkview.getppid
    os.environ.clear()
    os.environ.update(req["env"])
    if "random" in sys.modules:
        sys.modules["random"].seed()  # not the server's state: each run its own (or the spec's seed, below)
    # The name the entry runs under, as `python entry` gives it: relative as given before 3.9
    # (__file__, tracebacks, reprs of its functions), absolute since.
    entry = req["argv"][0] if sys.version_info < (3, 9) else os.path.abspath(req["argv"][0])
    sys.argv = list(req["argv"])
    if hasattr(sys, "orig_argv"):  # 3.10+
        sys.orig_argv = [forkview.ARGV0] + sys.argv
    # The path as the program's own interpreter would have it: the entry's folder first, the
    # tracer's folder where the sandbox shows it (the server found it at its host path).
    host, inside = req["tracerDir"]
    sys.path[:] = [os.path.dirname(os.path.abspath(entry))] + [inside if p == host else p for p in sys.path[1:]]
    # And, as boot.py does for a started program, not on the PYTHONPATH its own children see.
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != inside]
    if rest:
        os.environ["PYTHONPATH"] = os.pathsep.join(rest)
    else:
        os.environ.pop("PYTHONPATH", None)
    # First registered, so the last to run (after the tracer's and the program's own).
    atexit.register(_end_as_interrupted)
    # As `python entry` does from here: the tracer (which waits for go), then the entry.
    boot.start()
    return entry


def _fresh_stdio():
    """New text streams over fds 0-2, as the interpreter makes them: the server's stdin buffer
    must not be readable by the program."""
    import io

    for n, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        old = getattr(sys, name)
        raw = io.FileIO(n, "r" if n == 0 else "w", closefd=False)
        raw.name = "<%s>" % name
        buf = io.BufferedReader(raw) if n == 0 else raw  # PYTHONUNBUFFERED: no buffer for output
        # newline "\n" as the interpreter's: no translation, so a "\r\n" on stdin reads as it is.
        new = io.TextIOWrapper(buf, encoding=old.encoding, errors=old.errors, newline="\n", line_buffering=old.line_buffering, write_through=old.write_through)
        new.mode = "r" if n == 0 else "w"
        setattr(sys, name, new)
        setattr(sys, "__%s__" % name, new)


def _end_as_interrupted():
    """An uncaught KeyboardInterrupt ends the interpreter by SIGINT, after its clean-up."""
    if _interrupted:
        for s in (sys.stdout, sys.stderr):
            try:
                s.flush()
            except Exception:
                pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)


def run_main(entry):
    """Run the entry as `python entry` does (a fresh __main__, argv untouched); raise SystemExit
    with its status, so the interpreter ends as it would (threads joined, atexit, finalizers)."""
    global _interrupted
    import builtins
    import importlib.machinery
    import types

    main = types.ModuleType("__main__")
    fresh = {"__annotations__": {}, "__builtins__": builtins}
    for k in _MAIN_START:
        if k not in vars(main):
            setattr(main, k, fresh.get(k))
    main.__file__ = entry
    main.__cached__ = None
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", entry)
    sys.modules["__main__"] = main
    # Frames under the entry's: ours, the server's (a started entry has none), and before 3.11
    # the call into exec() itself, which counted as a level then.
    depth, f = (1 if sys.version_info < (3, 11) else 0), sys._getframe()
    while f is not None:
        depth, f = depth + 1, f.f_back
    forkview.shift_recursion_limit(depth)
    try:
        with open(entry, "rb") as f:
            source = f.read()
        exec(compile(source, entry, "exec"), main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:
        tb = e.__traceback__
        # Only the program's frames, as the interpreter shows them: not the server's. None at
        # all for an entry that does not compile (a SyntaxError names its file and line itself).
        while tb is not None and tb.tb_frame.f_code.co_filename != entry:
            tb = tb.tb_next
        e.__traceback__ = tb
        # Kept as the interpreter keeps an uncaught exception (so what its frames hold is freed
        # at the interpreter's end, as after `python entry`: a never-awaited coroutine warns then).
        sys.last_type, sys.last_value, sys.last_traceback = type(e), e, e.__traceback__
        if sys.version_info >= (3, 12):
            sys.last_exc = e
        sys.excepthook(type(e), e, e.__traceback__)
        _interrupted = isinstance(e, KeyboardInterrupt)
        raise SystemExit(130 if _interrupted else 1)
    raise SystemExit(0)
