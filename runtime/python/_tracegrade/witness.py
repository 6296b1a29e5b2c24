"""The parent's witness: what it needs to read our Python stack from outside, and what keeps the
frames it reads honest.

With TRACEGRADE_WITNESS=1 every line record that names a task or coroutine is a request: the
writing thread waits in Channel._await_reply while the parent reads its frames from
/proc/<pid>/mem (src/run/pystack) and checks the record against them (src/run/instrument/
witness.ts). The hello is sent before the program's first line, so what it tells is true: which
code object the tracer waits in, which files are the interpreter's, where asyncio lives.

The parent tells asyncio's and the tracer's frames from the program's by their code objects'
file names. `guard` (an audit hook, installed before the program runs) makes that a fact: the
program cannot make a code object that claims a file of the standard library or the tracer
(compile of anything but the file's own text, code.__new__/replace outside the standard library,
marshal.loads of data naming asyncio's or the tracer's files outside the import system's own
.pyc loading). It also refuses the direct ways to rewrite the frames the parent reads: importing
ctypes, opening a file named mem (/proc/self/mem) or a link to one.
"""
import atexit
import os
import sys

from .channel import Channel

_FROZEN = ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>")


def _dirs():
    stdlib = os.path.dirname(os.path.abspath(os.__file__)) + os.sep
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    return stdlib, here


def hello_fields(roots):
    stdlib, here = _dirs()
    aio = stdlib + "asyncio" + os.sep
    # The parent recognises the waiting thread by this code object's address: keep it alive
    # where no program can drop it (atexit's list cannot be read from Python).
    code = Channel._await_reply.__code__
    atexit.register(_keep, code)
    # Sent before the program's first line, so the parent can take it as a fact (no need to stop
    # and look): the address of that code object, which a waiting tracer has innermost.
    return {"w": 1, "wc": hex(id(code)), "roots": list(roots), "aio": aio, "tg": here}


def _keep(*_):
    pass


def guard(roots):
    stdlib, here = _dirs()
    protected = (stdlib, here)
    trusted = tuple(roots)
    # The file names the parent's witness trusts frames by (witness.ts: asyncio's, the tracer's).
    markers = (os.fsencode(stdlib + "asyncio" + os.sep), os.fsencode(here), b"<frozen importlib")
    isinstance_, str_, bytes_ = isinstance, str, bytes
    abspath, getframe = os.path.abspath, sys._getframe

    def name_of(fn):
        try:
            fn = os.fsdecode(os.fspath(fn))
        except TypeError:
            return None
        if fn in _FROZEN:
            return fn
        # "<string>", "<stdin>"…: no file, and never one the parent trusts a frame by.
        return None if fn.startswith("<") or not abspath(fn).startswith(protected) else fn

    def same_file(source, fn):
        if not isinstance_(source, bytes_) or fn in _FROZEN:
            return False
        try:
            with open(fn, "rb") as f:
                return f.read() == source
        except OSError:
            return False

    def hook(event, args):
        if event == "open":
            # Writing its own memory through /proc/self/mem would let a program rewrite the
            # frames the parent reads: no file named mem opens (a dir_fd can point anywhere),
            # nor a link to one.
            p = args[0] if args else None
            if isinstance_(p, (str_, bytes_)):
                p = os.fsdecode(p)
                if os.path.basename(p) == "mem" or (os.path.islink(p) and os.path.realpath(p).endswith("/mem")):
                    raise PermissionError("tracegrade: opening %r is refused in a graded run" % (p,))
        elif event == "import":
            # ctypes writes any memory, the frames the parent reads included.
            m = args[0] if args else ""
            if isinstance_(m, str_) and (m in ("ctypes", "_ctypes") or m.startswith("ctypes.")):
                raise ImportError("tracegrade: ctypes is not available in a graded run")
        elif event == "compile":
            fn = name_of(args[1]) if len(args) > 1 and args[1] is not None else None
            if fn is not None and not same_file(args[0], fn):
                raise RuntimeError("tracegrade: compiling code as %r is refused (asyncio's or the tracer's file)" % (fn,))
        elif event == "code.__new__":
            # The standard library's own (types.coroutine sets a flag on asyncio's code objects),
            # and 3.8's import system (its unmarshalling of a .pyc makes code objects this way).
            if len(args) > 1 and name_of(args[1]) is not None:
                f = getframe(1)
                if not f.f_code.co_filename.startswith(protected) and not importing(f):
                    raise RuntimeError("tracegrade: making a code object for %r is refused" % (args[1],))
        elif event == "marshal.loads":
            # Code objects that claim asyncio's or the tracer's files can only come from their
            # own .pyc files; other data (the program's own .pyc, plain values) loads as usual.
            data = args[0] if args else b""
            if isinstance_(data, bytes_) and not importing(getframe(1)) and any(m in data for m in markers):
                raise RuntimeError("tracegrade: loading bytecode that claims asyncio's or the tracer's files is refused")

    def importing(f):
        """The import system loading a .pyc of the interpreter's or the tracer's own, or a module
        frozen into the interpreter (FrozenImporter passes a name, not bytes)."""
        code = f.f_code
        if code.co_filename == _FROZEN[1] and code.co_name == "_compile_bytecode":
            p = f.f_locals.get("bytecode_path")
            return isinstance_(p, str_) and abspath(p).startswith(trusted)
        if code.co_filename == _FROZEN[0]:
            if code.co_name == "get_code":
                return True
            up = f.f_back
            return code.co_name == "_call_with_frames_removed" and up is not None and up.f_code.co_filename == _FROZEN[0] and up.f_code.co_name == "exec_module"
        return False

    sys.addaudithook(hook)
