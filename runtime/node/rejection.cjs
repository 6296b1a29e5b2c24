// tracegrade's unhandled-rejection line for Node programs, installed by the preloads (start.cjs,
// virtual.cjs). Node >= 15 ends a program whose promise rejection nobody handles with exit code
// 1 and the rejection's stack (file paths of the grading machine) on stderr. Here it ends the
// same way — exit code 1 — but stderr gets one line, `Unhandled rejection: <reason>`
// (`Error: boom` for an Error: its name and message), which is what the trace and the
// `unhandled_rejection` check see. Left to Node when the program handles rejections itself
// (its own 'unhandledRejection' listener) or picks a mode with --unhandled-rejections; a
// program with an 'uncaughtException' listener gets the reason there, as under Node.
'use strict';
const PREFIX = 'Unhandled rejection: ';

function reasonText(reason) {
  const util = require('util');
  try {
    if (util.types.isNativeError(reason) || reason instanceof Error) {
      const name = String(reason.name || 'Error');
      const message = String(reason.message ?? '');
      return message ? `${name}: ${message}` : name;
    }
    if (typeof reason === 'string') return reason;
    return util.inspect(reason, { depth: 2, breakLength: Infinity });
  } catch (e) {
    return '(a reason that could not be shown)';
  }
}

function onUnhandled(reason, promise) {
  if (process.listenerCount('unhandledRejection') > 1) return; // the program's own listener decides
  if (process.listenerCount('uncaughtException') > 0) {
    process.emit('uncaughtException', reason, 'unhandledRejection');
    return;
  }
  try {
    require('fs').writeSync(2, PREFIX + reasonText(reason).replace(/\r?\n/g, '\n  ') + '\n');
  } catch (e) {
    /* stderr closed: the exit code still tells */
  }
  process.exit(1);
}

try {
  if (!process.execArgv.some((a) => a.startsWith('--unhandled-rejections'))) process.on('unhandledRejection', onUnhandled);
} catch (e) {
  /* never disturb the program */
}
