// Keeps the program away from the tracer's closures (its channel, key and numbering): the only
// ways into another closure's variables from JavaScript are a debugger session, so
// - node:inspector's Session and open() throw, and cannot be put back (the methods are
//   replaced on the module's own objects, non-writable and non-configurable; ESM imports see
//   the same objects);
// - process.binding('inspector') (the raw binding behind it) is refused;
// - SIGUSR1, which would open the inspector's port, gets a listener, so Node does not do that.
// Not blocked, because they cannot reach the closures: worker_threads and child processes
// (another isolate: at most unsigned bytes on fd 3, which the parent rejects), async_hooks and
// v8.promiseHooks (the program can add hooks, not remove ours).
'use strict';

function refuse(what) {
  return function refused() {
    throw new Error(`${what} is not available under tracegrade's structure tracer`);
  };
}

function fix(obj, name, value) {
  try {
    Object.defineProperty(obj, name, { value, writable: false, configurable: false, enumerable: true });
  } catch (e) {
    /* already fixed */
  }
}

function lockDown() {
  try {
    const inspector = require('inspector');
    const proto = inspector.Session && inspector.Session.prototype;
    if (proto) for (const m of ['connect', 'connectToMainThread', 'post']) fix(proto, m, refuse(`inspector.Session.${m}`));
    for (const m of ['open', 'url', 'waitForDebugger']) fix(inspector, m, refuse(`inspector.${m}`));
    require('module').syncBuiltinESMExports();
  } catch (e) {
    /* a Node without the inspector: nothing to block */
  }
  const binding = process.binding;
  if (typeof binding === 'function') {
    fix(process, 'binding', function (name) {
      if (String(name) === 'inspector') throw new Error("process.binding('inspector') is not available under tracegrade's structure tracer");
      return Reflect.apply(binding, process, [name]);
    });
  }
  try {
    process.on('SIGUSR1', () => {});
  } catch (e) {
    /* no signals here */
  }
}

module.exports = { lockDown };
