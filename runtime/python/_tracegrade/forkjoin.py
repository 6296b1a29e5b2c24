"""How the fork server's child gets into a run's sandbox (forkserver.py): it takes the holder's
stdio and side channel, joins the holder's namespaces, and the program it forks there gives up
every privilege and takes the run's limits, as bwrap and prlimit give a started program.

bwrap built the sandbox around the holder as for any run; nothing here builds or widens it.
"""
import ctypes
import os
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_PIDFD_OPEN, _SYS_PIDFD_GETFD = 434, 438  # the same on every architecture
_PR_SET_PDEATHSIG, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 1, 24, 38
_NS_GET_USERNS = 0xB701
_NAMESPACES = ["mnt", "pid", "net", "ipc", "uts", "cgroup", "user"]


def _check(rc, what):
    if rc < 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))
    return rc


def take_fds(holder):
    """Copies of the holder's fds 0-2 and, when the run has one, 3 (the side channel)."""
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


def enter(holder):
    """Join the holder's namespaces: the user namespace that owns them first (bwrap's
    --disable-userns runs the holder one deeper), then mount, pid (for children), net, ipc, uts,
    cgroup, then the holder's own user namespace."""
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


def die_with_parent(sig):
    _libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)


def set_limits(limits):
    """The run's rlimits, [name, soft, hard] each: what prlimit gives a started program."""
    import resource

    for name, soft, hard in limits:
        resource.setrlimit(getattr(resource, "RLIMIT_" + name.upper()), (soft, hard))


def drop_privileges(uid, gid):
    """The holder's ids, no groups, no capability in any set, no_new_privs."""
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
