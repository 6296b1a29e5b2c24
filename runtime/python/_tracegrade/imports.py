"""Post-import hooks: patch a module right after its code ran, before the importer gets it
(so a program that never imports asyncio does not pay for importing it)."""
import sys


class _HookedLoader:
    """Runs hooks right after a module's code ran, before the importer gets it."""

    def __init__(self, inner, hooks):
        self._inner = inner
        self._hooks = hooks

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        for h in self._hooks:
            try:
                h(module)
            except Exception as e:
                sys.__stderr__.write("tracegrade: instrumentation of %s failed: %r\n" % (module.__name__, e))

    def __getattr__(self, name):
        return getattr(self._inner, name)


class _PostImportFinder:
    def __init__(self):
        self.hooks = {}

    def find_spec(self, name, path=None, target=None):
        if name not in self.hooks:
            return None
        for f in sys.meta_path:
            if f is self or not hasattr(f, "find_spec"):
                continue
            spec = f.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _HookedLoader(spec.loader, self.hooks.pop(name))
        return spec


_finder = _PostImportFinder()


def on_import(name, hook):
    mod = sys.modules.get(name)
    if mod is not None:
        hook(mod)
        return
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    _finder.hooks.setdefault(name, []).append(hook)
