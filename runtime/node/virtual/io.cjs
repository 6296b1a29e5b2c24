// What the driver needs to know about the program's I/O before it asks the parent to move time:
// - how many lines this process has written to stdout and stderr (the parent waits for them,
//   so each is stamped before the jump): counted in process.stdout/stderr.write, through which
//   console.* writes;
// - whether writes are still queued in Node (a full pipe): then the loop must run first;
// - whether real I/O is pending — a file read, a socket, a server, a child process, stdin:
//   whatever Node lists among its active handles and requests besides stdout and stderr. Time
//   cannot jump over it (its callback would come at the wrong virtual time), so the run falls
//   back to real time.
'use strict';

function countNewlines(chunk) {
  let n = 0;
  if (typeof chunk === 'string') {
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) n++;
  } else if (chunk instanceof Uint8Array) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

function watchOutput() {
  const lines = { o: 0, e: 0 };
  const streams = [];
  for (const [key, stream] of [
    ['o', process.stdout],
    ['e', process.stderr],
  ]) {
    if (!stream || typeof stream.write !== 'function') continue;
    streams.push(stream);
    const write = stream.write;
    stream.write = function write_(chunk, ...rest) {
      lines[key] += countNewlines(chunk);
      return write.call(this, chunk, ...rest);
    };
  }
  return {
    lines,
    /** Bytes Node still holds for stdout/stderr (the pipe was full). */
    queued: () => streams.some((s) => s.writableLength > 0),
    isStdio: (h) => streams.includes(h),
  };
}

/** The program's pending real I/O, in words ("a Server, an FSReqCallback"), or null. */
function pendingIo(isStdio) {
  const names = [];
  try {
    for (const h of process._getActiveHandles()) if (!isStdio(h)) names.push(nameOf(h));
    for (const r of process._getActiveRequests()) names.push(nameOf(r));
  } catch (e) {
    // Without the introspection (a future Node): the resource list, minus stdout and stderr.
    const info = process.getActiveResourcesInfo().filter((n) => n !== 'Timeout' && n !== 'Immediate');
    const stdio = info.filter((n) => n === 'PipeWrap' || n === 'TTYWrap').length;
    names.push(...info.filter((n) => n !== 'PipeWrap' && n !== 'TTYWrap'));
    for (let i = 2; i < stdio; i++) names.push('PipeWrap');
  }
  if (!names.length) return null;
  const uniq = [...new Set(names)];
  return uniq.slice(0, 3).join(', ') + (uniq.length > 3 ? ', …' : '');
}

function nameOf(x) {
  if (x && x === process.stdin) return 'stdin';
  const c = x && x.constructor && x.constructor.name;
  return c === 'Socket' ? 'a socket or pipe' : c === 'ChildProcess' ? 'a child process' : c === 'Server' ? 'a server' : /^FS|FileHandle/.test(c || '') ? 'a file operation' : c || 'a handle';
}

/** Immediates the program has queued (ref'ed): the loop has work before any timer. */
function immediatesQueued() {
  return process.getActiveResourcesInfo().some((n) => n === 'Immediate');
}

module.exports = { watchOutput, pendingIo, immediatesQueued };
