"""The side channel to the parent: one signed, numbered JSON record per line on a private fd.

The fd is a socket pair, so it is two-way: `request` sends a record and waits for the parent's
one-line reply (the parent owns virtual time: a jump is a request, see clock.py). The parent does
not trust these records: it cross-checks them against what it captured and observed itself.
Signing and numbering make naive forgery (writing to the inherited fd) detectable; code in the
submission that reads the key from memory can still sign, which is why the parent cross-checks.
"""
import os
import select
import _thread

from .sign import Signer

REPLY_MAX = 64
# Real seconds to wait for a reply: the parent answers a jump once it has our lines (it gives up
# waiting after a second); past this the channel counts as gone and time moves locally.
REPLY_WAIT = 5.0


class Channel:
    def __init__(self, fd, key):
        self._fd = fd
        self._sign = Signer(key.encode("ascii") if key else b"")
        self._n = 0
        self._lock = _thread.allocate_lock()
        self.broken = fd is None
        self.stamp = None  # () -> (v, r): evaluated under the lock, so records are in time order

    def close(self):
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
        self._fd = None
        self.broken = True

    def _write(self, rec):
        rec["n"] = self._n
        self._n += 1
        if self.stamp is not None:
            rec["v"], rec["r"] = self.stamp()
        body = _encode(rec)
        sig = self._sign(body)[:32].encode("ascii")
        data = body + b"\t" + sig + b"\n"
        while data:
            k = os.write(self._fd, data)
            data = data[k:]

    def send(self, rec, before=None):
        """`before()` runs under the lock first: a change of clock and the record announcing it
        are atomic, so no other thread's record is stamped in between."""
        if self.broken:
            if before is not None:
                before()
            return
        with self._lock:
            if before is not None:
                before()
            try:
                self._write(rec)
            except OSError:
                self.broken = True

    def request(self, rec, apply=None, timeout=REPLY_WAIT):
        """Send `rec`, wait for the parent's reply line; None when there is no parent.
        `apply(reply)` runs before the lock is released, so no record of another thread can
        slip between the reply and its effect (the parent checks every record's time)."""
        if self.broken:
            return None
        with self._lock:
            try:
                self._write(rec)
                reply = self._await_reply(timeout)
            except (OSError, ValueError, UnicodeDecodeError):
                self.broken = True
                return None
            if apply is not None:
                apply(reply)
            return reply

    def _await_reply(self, timeout):
        # Its own function, called only with the lock held: a thread waiting here is the one
        # whose record the parent is answering (the parent's witness looks for this frame).
        buf = b""
        # poll, not select: the fd sits near the top of the range, past select's 1024.
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        while not buf.endswith(b"\n") and len(buf) < REPLY_MAX:
            if not poller.poll(timeout * 1000):
                raise OSError("no reply from the parent")
            chunk = os.read(self._fd, REPLY_MAX - len(buf))
            if not chunk:
                raise OSError("channel closed")
            buf += chunk
        return buf.strip().decode("ascii")


def _plain(v):
    # A string JSON writes as it is: printable ASCII without a quote or a backslash.
    return v.isascii() and v.isprintable() and '"' not in v and "\\" not in v


def _encode(rec):
    """The record as compact JSON. A flat record of ints and plain strings (the start marker's
    only record) is written by hand, so a run that traces nothing never loads the json module."""
    parts = []
    for k, v in rec.items():
        t = type(v)
        if t is int:
            parts.append('"%s":%d' % (k, v))
        elif t is str and _plain(v):
            parts.append('"%s":"%s"' % (k, v))
        else:
            import json

            # ensure_ascii: lone surrogates (surrogateescape'd bytes) stay valid JSON.
            return json.dumps(rec, separators=(",", ":")).encode("ascii")
    return ("{" + ",".join(parts) + "}").encode("ascii")


def open_channel():
    """Take over the fd the parent named, so the submission cannot find it by number."""
    raw = os.environ.pop("TRACEGRADE_CHANNEL_FD", "")
    key = os.environ.pop("TRACEGRADE_KEY", "")
    if not raw:
        return Channel(None, key)
    try:
        fd = int(raw)
        priv = os.dup(fd)  # non-inheritable: child processes never get it
        os.close(fd)
        # Near the top of the fd range rather than 3 (not a secret: /proc/self/fd lists it).
        try:
            import resource

            soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            target = min(soft if soft > 0 else 1024, 4096) - 3
            if target > priv:
                high = os.dup2(priv, target, inheritable=False)
                os.close(priv)
                priv = high
        except (OSError, ValueError, ImportError):
            pass
        return Channel(priv, key)
    except (ValueError, OSError):
        return Channel(None, key)
