"""What every unfinished task waits on, for the deadlock report."""
import os


def describe_waiting(tracer):
    out = []
    for loop in list(tracer.loops):
        try:
            tasks = tracer.asyncio.all_tasks(loop)
        except Exception:
            continue
        for t in sorted(tasks, key=lambda t: tracer.id_of(t) or 0):
            if t.done():
                continue
            coro = t.get_coro()
            name = getattr(coro, "__qualname__", None) or getattr(coro, "__name__", "?")
            where = ""
            fr = getattr(coro, "cr_frame", None)
            # innermost frame of the await chain: where it is stuck
            inner = coro
            while getattr(inner, "cr_await", None) is not None and getattr(inner.cr_await, "cr_frame", None) is not None:
                inner = inner.cr_await
                f2 = inner.cr_frame
                if os.path.dirname(os.path.abspath(f2.f_code.co_filename)) not in (tracer.asyncio_dir, tracer.here):
                    fr = f2
            if fr is not None:
                where = " at %s:%d" % (os.path.basename(fr.f_code.co_filename), fr.f_lineno)
            waiter = getattr(t, "_fut_waiter", None)
            on = ""
            if waiter is not None:
                on = " waiting on " + _short(waiter)
            out.append("%s %s()%s%s" % (t.get_name(), name, where, on))
    return out


def _short(fut):
    t = type(fut).__name__
    if t == "Task" or hasattr(fut, "get_coro"):
        try:
            return "task %s" % fut.get_name()
        except Exception:
            pass
    return "a %s that nothing will complete" % t
