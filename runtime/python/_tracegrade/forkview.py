"""What a forked program sees of its own process, made as a started program's (forkmain.py):
its argv and environment in /proc, its parent, where the tracer's modules say they are, and how
deep its recursion may go. What still differs: docs/batch.md, "What differs".

Imported by the server before any fork: what it reads of the server's own start (where the
kernel keeps argv and the environment, the interpreter's name) is the same in every fork.
"""
import ctypes
import os
import sys


def _proc_areas():
    """Where the kernel finds this process's argv and environment strings (/proc/<pid>/cmdline,
    environ): fields 48-51 of /proc/self/stat."""
    with open("/proc/self/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()  # rest[0] is field 3
    return (int(rest[45]), int(rest[46])), (int(rest[47]), int(rest[48]))


# The parent starts the server with room to spare in both (fork-server.ts).
_AREAS = _proc_areas()
# The interpreter as the parent named it, which is what a started program's argv[0] is.
with open("/proc/self/cmdline", "rb") as _f:
    ARGV0 = os.fsdecode(_f.read().split(b"\0", 1)[0])
def show_as(argv, env):
    """/proc/<pid>/cmdline and environ as a started program's, what ps, the grader's leftover
    sweep and the program itself read there: written over the server's strings (this process's
    copy of them), the rest of the room NUL. (Moving the end to fit needs CAP_SYS_RESOURCE, which
    a container's root lacks.) Longer than the room: cut at a whole string."""
    for (start, end), strings in zip(_AREAS, (argv, ["%s=%s" % kv for kv in env.items()])):
        data = b"".join(os.fsencode(s) + b"\0" for s in strings)
        room = end - start
        if len(data) > room:
            data = data[: data.rfind(b"\0", 0, room) + 1]
        ctypes.memmove(ctypes.c_void_p(start), data.ljust(room, b"\0"), room)


def getppid():
    """What os.getppid() gives a forked program: 1, as for a started one, whose parent is the
    sandbox's init. The kernel's answer is 0 (its parent is outside its pid namespace), on
    which os.kill(os.getppid(), ...) would signal the program's own process group. libc's
    getppid (through ctypes) still says 0."""
    return 1


def relocate_tracer(host, inside):
    """The tracer's modules as the sandbox shows them (the server imported them from the host's
    folder): their files, search paths and code, so that nothing names the grader's folder and
    a traceback through them reads as in a started run."""
    import types

    def moved(p):
        return inside + p[len(host):] if isinstance(p, str) and (p == host or p.startswith(host + os.sep)) else p

    def recode(code):
        consts = tuple(recode(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        return code.replace(co_filename=moved(code.co_filename), co_consts=consts)

    seen = set()

    def refile(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, property):
            for f in (obj.fget, obj.fset, obj.fdel):
                if f is not None:
                    refile(f)
        elif isinstance(obj, types.FunctionType) and obj.__code__.co_filename.startswith(host):
            obj.__code__ = recode(obj.__code__)
        elif isinstance(obj, type) and obj.__module__.startswith("_tracegrade"):
            for v in list(vars(obj).values()):
                refile(v)

    for name, mod in list(sys.modules.items()):
        if name != "_tracegrade" and not name.startswith("_tracegrade."):
            continue
        for attr in ("__file__", "__cached__"):
            if getattr(mod, attr, None):
                setattr(mod, attr, moved(getattr(mod, attr)))
        if isinstance(getattr(mod, "__path__", None), list):
            mod.__path__[:] = [moved(p) for p in mod.__path__]
        loader = getattr(mod, "__loader__", None)
        if isinstance(getattr(loader, "path", None), str):
            loader.path = moved(loader.path)
        spec = getattr(mod, "__spec__", None)
        if spec is not None:
            spec.origin = moved(spec.origin)
            if spec.submodule_search_locations is not None and spec.submodule_search_locations is not getattr(mod, "__path__", None):
                spec.submodule_search_locations[:] = [moved(p) for p in spec.submodule_search_locations]
        for v in list(vars(mod).values()):
            refile(v)
    for key in [k for k in sys.path_importer_cache if isinstance(k, str) and moved(k) != k]:
        del sys.path_importer_cache[key]


def shift_recursion_limit(frames):
    """The program runs `frames` deeper than a started one (the server's own calls): its
    recursion limit is that much higher, and reads and sets as a started program's."""
    get, set_ = sys.getrecursionlimit, sys.setrecursionlimit
    set_(get() + frames)

    def getrecursionlimit():
        return get() - frames

    def setrecursionlimit(limit):
        set_(limit + frames)

    sys.getrecursionlimit, sys.setrecursionlimit = getrecursionlimit, setrecursionlimit
