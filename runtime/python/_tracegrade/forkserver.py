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
import gc
import json
import os
import signal
import sys

from . import forkjoin, forkmain, forkview, warm

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

_out = sys.stdout
_IN_PROGRAM = False


def _reply(rec):
    # One line, well under PIPE_BUF: lines of concurrent runs never interleave.
    os.write(_out.fileno(), (json.dumps(rec) + "\n").encode())


def _intermediate(req):
    """Joins the cgroup and the namespaces, forks the program, reports its pid and its end."""
    global _IN_PROGRAM
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for f in req.get("cgroup", []):
        with open(f, "w") as h:
            h.write("0")  # this very thread; what it forks is born inside
    if req.get("fault") == "eperm":
        # Tests only (TRACEGRADE_FORK_SERVER_FAULT): refuse as a kernel before 5.6 (ENOSYS) or a
        # seccomp filter (EPERM) would; the parent must then start its runs as before.
        raise OSError(1, "pidfd_getfd: Operation not permitted (TRACEGRADE_FORK_SERVER_FAULT)")
    fds = forkjoin.take_fds(req["holder"])
    forkview.show_as([forkview.ARGV0] + req["argv"], req["env"])
    forkjoin.enter(req["holder"])
    pid = os.fork()  # a new pid namespace applies to children
    if pid == 0:
        _IN_PROGRAM = True  # from here on, an exception is the program's, not the server's
        try:
            entry = forkmain.prepare(req, fds)
        except BaseException as e:
            os.write(2, ("tracegrade fork server: the run could not start: %r\n" % (e,)).encode())
            os._exit(70)
        forkmain.run_main(entry)  # raises SystemExit: the interpreter's own end, out through serve()
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


def serve(tracer_at):
    """Each request is a header the server reads and a JSON body its forked child reads: the
    server never holds a run's settings, so no forked program finds another run's in the memory
    it was copied from (docs/batch.md, "What is trusted"). `tracer_at`: where the sandbox shows
    the tracer's folder, which its modules name from now on (once here, not in every fork)."""
    forkview.relocate_tracer(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), tracer_at)
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
