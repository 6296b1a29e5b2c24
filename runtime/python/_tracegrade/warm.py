"""A pre-started run (the parent's warm pool): start-up done, wait for the parent's "go".

TRACEGRADE_WARM (seconds, the longest wait) asks for it. Everything that is the same for every
run is done first — the interpreter, site, the tracer's modules and, when the entry mentions it,
asyncio — then the process says "ready" on the side channel and blocks until the parent writes
"go". Nothing of the submission runs before go (its entry is only searched for a word): the
parent starts the run's clock, wall timer and stdin at go. If the parent goes away (the channel
closes) or the wait runs out, the process exits without running anything.

asyncio is imported but kept out of sys.modules until the program imports it itself, through a
finder that hands back the loaded module only when the normal search finds the same file: a
program that does not import asyncio sees none, one with its own asyncio.py gets that, and the
tracer's import hook fires at the program's import exactly as in a cold start.
"""
import gc
import os
import select
import sys

# The entry is read only this far to decide whether to load asyncio ahead.
_SCAN_BYTES = 1 << 20


def wait_for_go(chan, wait_s, tracing):
    """Warm up, say ready, block until go. False: no go (parent gone, wait over): exit."""
    if _mentions_asyncio():
        _preload_asyncio(tracing)
    fd = chan._fd
    if fd is None:
        return False
    # What is loaded so far (site, the tracer, asyncio) is never garbage: left out of the
    # collector's passes, the interpreter's exit skips them (asyncio's: ~10 ms of every run).
    gc.freeze()
    try:
        os.write(fd, b"ready\n")
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        buf = b""
        while not buf.endswith(b"\n"):
            if not poller.poll(max(1, int(wait_s * 1000))):
                return False
            chunk = os.read(fd, 3 - len(buf))
            if not chunk:
                return False
            buf += chunk
        return buf == b"go\n"
    except (OSError, ValueError):
        return False


def _mentions_asyncio():
    entry = sys.argv[0] if sys.argv else ""
    if not entry.endswith(".py"):
        return False
    try:
        with open(entry, "rb") as f:
            return b"asyncio" in f.read(_SCAN_BYTES)
    except OSError:
        return False


def _preload_asyncio(tracing):
    try:
        import asyncio  # noqa: F401

        if tracing:
            from . import tasks  # noqa: F401  (installed at the program's import, not now)
    except Exception:
        return
    mod = sys.modules.pop("asyncio", None)
    if mod is not None:
        sys.meta_path.insert(0, _Stash(mod))


class _Stash:
    """Finder that hands the preloaded asyncio to the program's first `import asyncio`."""

    def __init__(self, mod):
        self.mod = mod

    def find_spec(self, name, path=None, target=None):
        if name != "asyncio":
            return None
        self._leave()
        origin = getattr(self.mod.__spec__, "origin", None)
        # The path search only: the tracer's import hook (another finder) wraps what we return.
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin != origin:
            # Not the file we loaded (the program's own asyncio.py): forget ours entirely.
            for k in [k for k in sys.modules if k.startswith("asyncio.")]:
                del sys.modules[k]
            return spec
        spec.loader = _Loaded(self.mod)
        return spec

    def _leave(self):
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass


class _Loaded:
    def __init__(self, mod):
        self.mod = mod

    def create_module(self, spec):
        return self.mod

    def exec_module(self, module):
        pass
