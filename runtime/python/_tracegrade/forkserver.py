"""A fork server: one interpreter with site, asyncio and the tracer loaded, forked into each run.

The parent builds each run's bwrap sandbox as for any run, around a holder process that only
waits. For each request on stdin the server forks a child that reads it, joins the run's
cgroup, takes the holder's stdio and side channel (pidfd_getfd), joins its namespaces (setns: the
user namespace that owns them first, then mount, pid, net, ipc, uts, cgroup, then the program's
own user namespace) and forks the program, which closes every other fd, starts a new session,
sets its limits, drops every privilege and runs the entry as `python entry` would. The program
starts the tracer with TRACEGRADE_WARM, so nothing of the submission runs before the parent's go.

Requests: a line '<id> <length>', then a JSON body of that many bytes.
Replies, one JSON line each: {"id", "pid"} (the program's host pid, before it can run anything
of its own), then {"id", "code"} or {"id", "signal"}; {"id", "error", "errno"} if the run could
not start (errno: the failed call's, when it was a system call).
"""
import ctypes
import gc
import json
import os
import signal
import struct
import sys

from . import boot, warm

# Loaded once, the point of the server: asyncio (stashed until the program imports it, as a
# warm run does), and every module of the tracer, since the program's sandbox shows this folder
# at another path and nothing may be imported from here after the fork.
warm._preload_asyncio(tracing=True)


def _load_tracer():
    import importlib
    import pkgutil

    pkg = sys.modules[__package__]
    for m in pkgutil.iter_modules(pkg.__path__):
        if m.name != "forkserver":
            importlib.import_module("%s.%s" % (__package__, m.name))


_load_tracer()

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_PIDFD_OPEN, _SYS_PIDFD_GETFD = 434, 438  # the same on every architecture
_PR_SET_PDEATHSIG, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 1, 24, 38
_NS_GET_USERNS = 0xB701
_NAMESPACES = ["mnt", "pid", "net", "ipc", "uts", "cgroup", "user"]
_out = sys.stdout
_IN_PROGRAM = False


def _proc_areas():
    """Where the kernel finds this process's argv and environment strings (/proc/<pid>/cmdline,
    environ): fields 48-51 of /proc/self/stat. Every fork has them at the same addresses."""
    with open("/proc/self/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()  # rest[0] is field 3
    return (int(rest[45]), int(rest[46])), (int(rest[47]), int(rest[48]))


# The parent starts the server with room to spare in both (fork-server.ts), so a fork can show
# the program's own argv and environment there instead of the server's.
_AREAS = _proc_areas()
# The interpreter as the parent named it, which is what a started program's argv[0] is.
with open("/proc/self/cmdline", "rb") as _f:
    _ARGV0 = os.fsdecode(_f.read().split(b"\0", 1)[0])


def _show_as(argv, env):
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


def _check(rc, what):
    if rc < 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))
    return rc


def _reply(rec):
    # One line, well under PIPE_BUF: lines of concurrent runs never interleave.
    os.write(_out.fileno(), (json.dumps(rec) + "\n").encode())


def _take_fds(holder):
    pidfd = _check(_libc.syscall(_SYS_PIDFD_OPEN, holder, 0), "pidfd_open")
    try:
        fds = []
        for n in (0, 1, 2, 3):
            fd = _libc.syscall(_SYS_PIDFD_GETFD, pidfd, n, 0)
            if fd < 0 and n == 3:
                break  # no side channel
            fds.append(_check(fd, "pidfd_getfd %d" % n))
        return fds
    finally:
        os.close(pidfd)


def _enter(holder):
    own = {ns: os.stat("/proc/self/ns/" + ns).st_ino for ns in _NAMESPACES}
    # Every fd first: inside the sandbox's mount namespace, /proc is the sandbox's own.
    ns_fds = {ns: os.open("/proc/%d/ns/%s" % (holder, ns), os.O_RDONLY) for ns in _NAMESPACES}

    def join(fd, ns):
        if os.fstat(fd).st_ino != own[ns]:
            _check(_libc.setns(fd, 0), "setns " + ns)

    owner = _check(_libc.ioctl(ns_fds["mnt"], _NS_GET_USERNS), "NS_GET_USERNS")
    join(owner, "user")
    os.close(owner)
    for ns in _NAMESPACES:
        join(ns_fds[ns], ns)
        os.close(ns_fds[ns])


def _drop_privileges(uid, gid):
    try:
        os.setgroups([])
    except PermissionError:
        pass  # bwrap's user namespace denies setgroups: the groups are fixed already
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    for cap in range(64):
        if _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == 22:
            break  # past the last capability this kernel has
    header = ctypes.create_string_buffer(struct.pack("Ii", 0x20080522, 0))
    data = ctypes.create_string_buffer(24)
    _check(_libc.capset(header, data), "capset")
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def getppid():
    """What os.getppid() gives a forked program: 1, as for a started one, whose parent is the
    sandbox's init. The kernel's answer is 0 (its parent is outside its pid namespace), on
    which os.kill(os.getppid(), ...) would signal the program's own process group. libc's
    getppid (through ctypes) still says 0 (docs/batch.md, "What differs")."""
    return 1


def _set_limits(limits):
    import resource

    for name, soft, hard in limits:
        resource.setrlimit(getattr(resource, "RLIMIT_" + name.upper()), (soft, hard))


def _prepare(req, fds):
    """Everything before the program, in the program's process: nothing of the server left."""
    global _IN_PROGRAM
    _IN_PROGRAM = True
    for n, fd in enumerate(fds):
        os.dup2(fd, n)
        os.close(fd)
    os.closerange(len(fds), 65536)
    os.setsid()
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _set_limits(req["limits"])
    _drop_privileges(req["uid"], req["gid"])
    _fresh_stdio()
    os.chdir(req["cwd"])
    os.getppid = getppid
    os.environ.clear()
    os.environ.update(req["env"])
    if "random" in sys.modules:
        sys.modules["random"].seed()  # not the server's state: each run its own (or the spec's seed, below)
    # The name the entry runs under, as `python entry` gives it: relative as given before 3.9
    # (__file__, tracebacks, reprs of its functions), absolute since.
    entry = req["argv"][0] if sys.version_info < (3, 9) else os.path.abspath(req["argv"][0])
    sys.argv = list(req["argv"])
    if hasattr(sys, "orig_argv"):  # 3.10+
        sys.orig_argv = [_ARGV0] + sys.argv
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
    # As `python entry` does from here: the tracer (which waits for go), then the entry.
    boot.start()
    return entry


def _fresh_stdio():
    """New text streams over fds 0-2, as the interpreter makes them: the server's stdin buffer
    (other runs' requests) must not be readable by the program."""
    import io

    for n, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        old = getattr(sys, name)
        raw = io.FileIO(n, "r" if n == 0 else "w", closefd=False)
        buf = io.BufferedReader(raw) if n == 0 else raw  # PYTHONUNBUFFERED: no buffer for output
        new = io.TextIOWrapper(buf, encoding=old.encoding, errors=old.errors, line_buffering=old.line_buffering, write_through=n > 0)
        setattr(sys, name, new)
        setattr(sys, "__%s__" % name, new)


def _run_main(entry):
    """Run the entry as `python entry` does (a fresh __main__, argv untouched); raise SystemExit
    with its status, so the interpreter ends as it would (threads joined, atexit, finalizers)."""
    import builtins
    import types

    main = types.ModuleType("__main__")
    main.__file__ = entry
    main.__cached__ = None
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    try:
        with open(entry, "rb") as f:
            source = f.read()
        exec(compile(source, entry, "exec"), main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:
        tb = e.__traceback__
        # Only the program's frames, as the interpreter shows them: not the server's.
        while tb is not None and tb.tb_frame.f_code.co_filename != entry:
            tb = tb.tb_next
        if tb is not None:
            e.__traceback__ = tb
        # Kept as the interpreter keeps an uncaught exception (so what its frames hold is freed
        # at the interpreter's end, as after `python entry`: a never-awaited coroutine warns then).
        sys.last_type, sys.last_value, sys.last_traceback = type(e), e, e.__traceback__
        if sys.version_info >= (3, 12):
            sys.last_exc = e
        sys.excepthook(type(e), e, e.__traceback__)
        raise SystemExit(130 if isinstance(e, KeyboardInterrupt) else 1)
    raise SystemExit(0)


def _intermediate(req):
    """Joins the cgroup and the namespaces, forks the program, reports its pid and its end."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for f in req.get("cgroup", []):
        with open(f, "w") as h:
            h.write("0")  # this very thread; what it forks is born inside
    if req.get("fault") == "eperm":
        # Tests only (TRACEGRADE_FORK_SERVER_FAULT): refuse as a kernel before 5.6 (ENOSYS) or a
        # seccomp filter (EPERM) would; the parent must then start its runs as before.
        raise OSError(1, "pidfd_getfd: Operation not permitted (TRACEGRADE_FORK_SERVER_FAULT)")
    fds = _take_fds(req["holder"])
    _show_as([_ARGV0] + req["argv"], req["env"])
    _enter(req["holder"])
    pid = os.fork()  # a new pid namespace applies to children
    if pid == 0:
        try:
            entry = _prepare(req, fds)
        except BaseException as e:
            os.write(2, ("tracegrade fork server: the run could not start: %r\n" % (e,)).encode())
            os._exit(70)
        _run_main(entry)  # raises SystemExit: the interpreter's own end, out through serve()
    # The grader's SIGTERM at a limit reaches this process too (it is in the run's cgroup): it
    # stays to report how the program ended. Its SIGKILL ends it; bwrap's status tells then.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for fd in fds:
        os.close(fd)
    # The pid as the parent sees it: ours is the host's pid namespace.
    _reply({"id": req["id"], "pid": pid})
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        _reply({"id": req["id"], "signal": os.WTERMSIG(status)})
    else:
        _reply({"id": req["id"], "code": os.WEXITSTATUS(status)})


def _read_exact(n):
    """n bytes of stdin, not one more: what follows is another run's, for another process."""
    data = b""
    while len(data) < n:
        chunk = os.read(0, n - len(data))
        if not chunk:
            raise EOFError("stdin ended inside a request")
        data += chunk
    return data


def _read_header():
    """A request's '<id> <length>' line, a byte at a time (no read-ahead); None at the end."""
    line = b""
    while not line.endswith(b"\n"):
        b = os.read(0, 1)
        if not b:
            return None
        line += b
    rid, n = line.split()
    return int(rid), int(n)


def serve():
    """Each request is a header the server reads and a JSON body its forked child reads: the
    server never holds a run's settings, so no forked program finds another run's in the memory
    it was copied from (docs/batch.md, "What is trusted")."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the intermediates are reaped by the kernel
    gc.freeze()
    while True:
        head = _read_header()
        if head is None:
            return
        rid, n = head
        took_r, took_w = os.pipe()
        try:
            pid = os.fork()
        except OSError as e:
            os.close(took_r)
            os.close(took_w)
            _skip(n)
            _reply({"id": rid, "error": "fork: %s" % (e,)})
            continue
        if pid == 0:
            os.close(took_r)
            try:
                try:
                    req = json.loads(_read_exact(n))
                finally:
                    os.write(took_w, b"1")  # the server reads the next header now
                    os.close(took_w)
                req["id"] = rid
                _intermediate(req)
            except BaseException as e:
                if _IN_PROGRAM:
                    raise  # the program's end (SystemExit), not the server's failure
                _reply({"id": rid, "error": repr(e), "errno": getattr(e, "errno", None)})
            os._exit(0)
        os.close(took_w)
        took = os.read(took_r, 1)
        os.close(took_r)
        if not took:
            return  # the child died inside its request: the stream is lost; the parent starts another server


def _skip(n):
    """Read past a request the server could not fork for, a piece at a time (nothing kept)."""
    while n > 0:
        chunk = os.read(0, min(n, 4096))
        if not chunk:
            return
        n -= len(chunk)
