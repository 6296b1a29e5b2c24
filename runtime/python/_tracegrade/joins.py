"""Who awaits whom: gather, wait, wait_for and TaskGroup report the tasks they await ('awaited'
events), and the tracer's done-callback stays out of a task's repr (printing a pending task is
part of what the lesson's programs print)."""


def hide_done_callback(tracer):
    # Our done-callback must not show in a task's repr ("cb=[...]"): printing a pending
    # task is part of what the lesson's programs print.
    import asyncio.base_futures as bf

    orig = bf._future_repr_info
    done = tracer._done

    def ours(c):
        cb = c[0] if isinstance(c, tuple) else c
        return getattr(cb, "__func__", None) is getattr(done, "__func__", None) and getattr(cb, "__self__", None) is tracer

    def repr_info(fut):
        info = orig(fut)
        try:
            cbs = list(fut._callbacks or ())
            keep = [c for c in cbs if not ours(c)]
            if len(keep) != len(cbs):
                i = next((k for k, s in enumerate(info) if isinstance(s, str) and s.startswith("cb=[")), None)
                if i is not None:
                    if keep:
                        info[i] = bf._format_callbacks(keep)
                    else:
                        del info[i]
        except Exception:
            pass
        return info

    bf._future_repr_info = repr_info

# ---- tasks -----------------------------------------------------------------


def patch_joins(tracer):
    import asyncio
    import asyncio.tasks as at


    def awaited_all(futs):
        by = tracer.current_task()
        if by is None:
            return
        for f in futs:
            if isinstance(f, tracer.Task.__mro__[1]) and f is not by:
                tracer.emit("awaited", tracer.id_of(f), by=tracer.id_of(by))

    orig_gather = at.gather

    def gather(*aws, **kw):
        fut = orig_gather(*aws, **kw)
        try:
            awaited_all(getattr(fut, "_children", ()))
        except Exception:
            pass
        return fut

    gather.__doc__ = orig_gather.__doc__
    at.gather = asyncio.gather = gather

    orig_wait = at.wait

    def wait(fs, *a, **kw):
        try:
            fs = list(fs) if isinstance(fs, (set, list, tuple, frozenset)) else fs
            awaited_all(fs if isinstance(fs, list) else ())
        except Exception:
            pass
        return orig_wait(fs, *a, **kw)

    wait.__doc__ = orig_wait.__doc__
    at.wait = asyncio.wait = wait

    orig_wait_for = at.wait_for

    def wait_for(fut, *a, **kw):
        try:
            awaited_all([fut])
        except Exception:
            pass
        return orig_wait_for(fut, *a, **kw)

    wait_for.__doc__ = orig_wait_for.__doc__
    at.wait_for = asyncio.wait_for = wait_for

    TG = getattr(asyncio, "TaskGroup", None)
    if TG is not None:
        orig_aexit = TG.__aexit__

        async def __aexit__(self, *exc):
            try:
                awaited_all(list(getattr(self, "_tasks", ())))
            except Exception:
                pass
            return await orig_aexit(self, *exc)

        TG.__aexit__ = __aexit__
