"""Tracebacks without tracegrade's own frames.

The tracer's wrappers (the Task subclass's __init__ and __await__, the loop's Handle, the
patched time and thread functions) sit between the student's frames when an exception passes
through them: an uninstrumented run would print no such frame. The frames are removed where
tracebacks are printed, so stderr reads as it would without tracegrade:

- sys.excepthook and threading.excepthook (uncaught exceptions; Python 3.8-3.12 print them in C);
- traceback.TracebackException (traceback.print_exc/format_exc, logging, asyncio's "exception
  was never retrieved", and the default excepthook of 3.13), chained exceptions included.

The exception objects the program holds keep their traceback, except those of an uncaught
exception, which is cleaned in place as the interpreter exits.
"""
import os
import sys
import types

from .imports import on_import

# runtime/python: _tracegrade/* and sitecustomize.py.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _ours(tb):
    return tb.tb_frame.f_code.co_filename.startswith(_ROOT)


def clean(tb):
    """The traceback chain without our frames: `tb` itself when none is ours."""
    kept = []
    ours = False
    t = tb
    while t is not None:
        if _ours(t):
            ours = True
        else:
            kept.append(t)
        t = t.tb_next
    if not ours:
        return tb
    new = None
    for t in reversed(kept):
        new = types.TracebackType(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return new


def _clean_chain(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        try:
            exc.__traceback__ = clean(exc.__traceback__)
        except Exception:
            pass
        exc = exc.__cause__ or exc.__context__


def install():
    orig_hook = sys.excepthook

    def excepthook(tp, val, tb):
        _clean_chain(val)
        return orig_hook(tp, val, clean(tb))

    sys.excepthook = excepthook
    on_import("threading", _patch_threading)
    on_import("traceback", _patch_traceback)


def _patch_threading(threading):
    orig = getattr(threading, "excepthook", None)
    if orig is None:
        return

    def excepthook(args):
        try:
            _clean_chain(args.exc_value)
            args = threading.ExceptHookArgs([args.exc_type, args.exc_value, clean(args.exc_traceback), args.thread])
        except Exception:
            pass
        return orig(args)

    threading.excepthook = excepthook


def _patch_traceback(traceback):
    cls = traceback.TracebackException
    init = cls.__init__

    def __init__(self, exc_type, exc_value, exc_traceback, *a, **k):
        init(self, exc_type, exc_value, clean(exc_traceback), *a, **k)

    cls.__init__ = __init__
