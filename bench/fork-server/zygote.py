# Feasibility probe for a fork server (docs/batch.md, "What the pool cannot do"): NOT used by
# tracegrade. A preloaded interpreter (site and asyncio imported once) that, for each request,
# forks a child which joins a fresh bwrap sandbox — built by bwrap as for any run, around a
# holder process that only waits — with setns, takes the holder's stdio with pidfd_getfd, drops
# every privilege and runs the program there. Requests on stdin, one JSON line each:
#   {"holder": <host pid>, "argv": [...], "env": {...}, "uid": n, "gid": n}
# answered on stdout with {"exit": <status as a shell gives it>}.
import asyncio  # noqa: F401  (what the server is for: loaded once, not once per run)
import ctypes
import json
import os
import runpy
import struct
import sys
import traceback

libc = ctypes.CDLL(None, use_errno=True)
SYS_PIDFD_OPEN, SYS_PIDFD_GETFD, SYS_CAPSET = 434, 438, 126  # x86-64
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
NS_GET_USERNS = 0xB701
NAMESPACES = ["mnt", "pid", "net", "ipc", "uts", "cgroup", "user"]


def check(rc, what):
    if rc < 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))
    return rc


def enter(holder):
    """Join the holder's namespaces; return its stdio, taken over with pidfd_getfd."""
    pidfd = check(libc.syscall(SYS_PIDFD_OPEN, holder, 0), "pidfd_open")
    stdio = [check(libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0), "pidfd_getfd %d" % fd) for fd in (0, 1, 2)]
    os.close(pidfd)
    own = {ns: os.stat("/proc/self/ns/" + ns).st_ino for ns in NAMESPACES}
    # Every fd first: once in the sandbox's mount namespace, /proc is the sandbox's own.
    ns_fds = {ns: os.open("/proc/%d/ns/%s" % (holder, ns), os.O_RDONLY) for ns in NAMESPACES}

    def join(fd, ns):
        if os.fstat(fd).st_ino != own[ns]:
            check(libc.setns(fd, 0), "setns " + ns)

    # bwrap --disable-userns runs the program one user namespace deeper than the one that owns
    # the mount and other namespaces: join the owner first, then the rest, then the program's.
    owner = check(libc.ioctl(ns_fds["mnt"], NS_GET_USERNS), "NS_GET_USERNS")
    join(owner, "user")
    os.close(owner)
    for ns in NAMESPACES:
        join(ns_fds[ns], ns)
        os.close(ns_fds[ns])
    return stdio


def drop_privileges(uid, gid):
    try:
        os.setgroups([])
    except PermissionError:
        pass  # bwrap's user namespace denies setgroups: the groups are fixed already
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == 22:
            break  # past the last capability this kernel has
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    check(libc.syscall(SYS_CAPSET, ctypes.c_char_p(header), ctypes.c_char_p(b"\0" * 24)), "capset")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def exit_code(status):
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def run(req):
    stdio = enter(req["holder"])
    pid = os.fork()  # a new pid namespace applies to children only
    if pid:
        os._exit(exit_code(os.waitpid(pid, 0)[1]))
    for i, fd in enumerate(stdio):
        os.dup2(fd, i)
        os.close(fd)
    os.closerange(3, 65536)
    os.setsid()
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    drop_privileges(req["uid"], req["gid"])
    os.chdir("/work")
    os.environ.clear()
    os.environ.update(req["env"])
    sys.argv = list(req["argv"])
    sys.path[0] = "/work"
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


for line in sys.stdin:
    request = json.loads(line)
    child = os.fork()
    if child == 0:
        try:
            run(request)
        except BaseException:
            os.write(2, ("fork server: " + traceback.format_exc()).encode())
            os._exit(70)
    sys.stdout.write(json.dumps({"exit": exit_code(os.waitpid(child, 0)[1])}) + "\n")
    sys.stdout.flush()
