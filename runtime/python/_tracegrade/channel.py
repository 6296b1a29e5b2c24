"""The side channel to the parent: one signed, numbered JSON record per line on a private fd.

The parent does not trust these records: it cross-checks every printed line against the stdout
and stderr it captured itself. Signing and numbering only make accidental or naive forgery
(writing to the inherited fd) detectable.
"""
import hashlib
import hmac
import json
import os
import _thread


class Channel:
    def __init__(self, fd, key):
        self._fd = fd
        self._key = key.encode("ascii") if key else b""
        self._n = 0
        self._lock = _thread.allocate_lock()
        self.broken = fd is None

    def close(self):
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
        self._fd = None
        self.broken = True

    def send(self, rec):
        if self.broken:
            return
        with self._lock:
            rec["n"] = self._n
            self._n += 1
            # ensure_ascii: lone surrogates (surrogateescape'd bytes) stay valid JSON.
            body = json.dumps(rec, separators=(",", ":")).encode("ascii")
            sig = hmac.new(self._key, body, hashlib.sha256).hexdigest()[:32].encode("ascii")
            data = body + b"\t" + sig + b"\n"
            try:
                while data:
                    k = os.write(self._fd, data)
                    data = data[k:]
            except OSError:
                self.broken = True


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
