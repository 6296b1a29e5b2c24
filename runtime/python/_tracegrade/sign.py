"""HMAC-SHA256 of the channel's records over the interpreter's built-in SHA-256.

The hmac and hashlib modules load OpenSSL's libcrypto first (2–4 ms of every run's start-up,
before the program's own code); the built-in module is enough for one hash function. The result
is the standard HMAC (RFC 2104), which the parent checks with Node's createHmac('sha256').
"""
try:
    from _sha256 import sha256 as _sha256  # Python 3.8–3.11
except ImportError:
    try:
        from _sha2 import sha256 as _sha256  # Python 3.12+
    except ImportError:  # a build without the built-in hashes: OpenSSL's, through hashlib
        from hashlib import sha256 as _sha256

_BLOCK = 64
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


class Signer:
    """sign(body) -> hex HMAC-SHA256 of body under the key given once."""

    def __init__(self, key):
        if len(key) > _BLOCK:
            key = _sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        # The two keyed states are hashed once; each record copies them.
        self._inner = _sha256(key.translate(_IPAD))
        self._outer = _sha256(key.translate(_OPAD))

    def __call__(self, body):
        inner = self._inner.copy()
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()
