// Genuine V8 call sites for the structure tracer (index.cjs), whatever the program does later.
// The tracer reads the stack where a promise is made (is it an async function's own promise, an
// `await`, a `.then`?) through Error.captureStackTrace and a prepareStackTrace that returns the
// CallSite objects. A program could feed it invented frames by setting its own
// Error.prepareStackTrace, or replacing the global Error, so both are locked at preload time:
// Error.prepareStackTrace becomes an accessor (the program's function is kept and used for its
// own errors; the tracer's is used only while it captures), and `Error` cannot be reassigned.
// Every CallSite method is taken from the prototype now and called on the frames with
// Reflect.apply, so patching CallSite.prototype later changes nothing either.
'use strict';
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const captureStackTrace = Error.captureStackTrace;
const ErrorCtor = Error;

const HOOK_DISPATCH = /^node:internal\/(promise_hooks|async_hooks)/;

let capturing = false;
let userPrepare = Error.prepareStackTrace;
const ours = (_e, cs) => cs;

function lock() {
  try {
    defineProperty(ErrorCtor, 'prepareStackTrace', {
      configurable: false,
      enumerable: false,
      get: () => (capturing ? ours : userPrepare),
      set: (v) => {
        userPrepare = v;
      },
    });
    defineProperty(globalThis, 'Error', { value: ErrorCtor, writable: false, configurable: false, enumerable: false });
  } catch (e) {
    /* already locked (a second install): nothing to do */
  }
}

// The CallSite methods, taken from a real frame before the program runs.
function methods() {
  capturing = true;
  const o = {};
  try {
    captureStackTrace(o);
    const site = o.stack[0];
    const proto = Object.getPrototypeOf(site);
    const m = {};
    for (const k of ['getFileName', 'getFunctionName', 'getLineNumber', 'getEnclosingLineNumber', 'getEnclosingColumnNumber', 'isAsync', 'getMethodName']) m[k] = proto[k];
    return m;
  } finally {
    capturing = false;
  }
}

lock();
const M = methods();
const call = (name, site) => {
  try {
    return apply(M[name], site, []);
  } catch (e) {
    return null; // not a real CallSite: treated as no frame at all
  }
};

function capture(skip, limit) {
  const o = {};
  const before = ErrorCtor.stackTraceLimit;
  capturing = true;
  try {
    try {
      ErrorCtor.stackTraceLimit = limit;
    } catch (e) {
      /* the program made it read-only: capture with its limit */
    }
    captureStackTrace(o, skip);
    const cs = o.stack;
    return Array.isArray(cs) ? cs : [];
  } finally {
    capturing = false;
    try {
      ErrorCtor.stackTraceLimit = before;
    } catch (e) {
      /* read-only */
    }
  }
}

function describe(s) {
  return {
    file: call('getFileName', s),
    fn: call('getFunctionName', s),
    method: call('getMethodName', s),
    line: call('getLineNumber', s),
    encLine: call('getEnclosingLineNumber', s),
    encCol: call('getEnclosingColumnNumber', s),
  };
}

/**
 * The innermost frame below `skip`: { file } for a builtin or Node's own code (file null or
 * not the program's), every field for the program's own (`isUser(file)`). null: no frame.
 */
function topFrame(skip, isUser) {
  // Node calls several promise hooks through its own dispatcher (when the program, or
  // AsyncLocalStorage, adds one): its frames sit between ours and the promise's maker.
  for (const s of capture(skip, 4)) {
    const file = call('getFileName', s);
    if (file && HOOK_DISPATCH.test(file)) continue;
    return file && isUser(file) ? describe(s) : { file: null };
  }
  return null;
}

/** The innermost frames below `skip` that are the program's own, up to `limit` deep. */
function userFrames(skip, limit, isUser) {
  const out = [];
  for (const s of capture(skip, limit)) {
    if (call('isAsync', s)) break; // async frames: who awaits, not who runs
    const file = call('getFileName', s);
    if (file && isUser(file)) out.push(describe(s));
  }
  return out;
}

module.exports = { topFrame, userFrames };
