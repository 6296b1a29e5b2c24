// Which unit printed each line: process.stdout.write and process.stderr.write (console.* writes
// through them) are wrapped at preload time, and each complete line is reported with the unit
// running when its newline was written (none: module code, a timer's or a .then's callback).
// The parent matches every record against the lines it captured itself (merge.ts), so a record
// can only attribute a line, never add, reorder or date one. A write that bypasses the streams
// (fs.writeSync(1, …), a child process) has no record: it is nobody's work.
'use strict';
const { StringDecoder } = require('string_decoder');

const MAX = 65536;

function tapLines({ send, current }) {
  for (const [s, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ]) {
    if (!stream || typeof stream.write !== 'function') continue;
    const write = stream.write;
    const decoder = new StringDecoder('utf8');
    let buf = '';
    let long = false;
    let bufBy = null; // the call that wrote the open line's last piece
    const record = (x, u) => (u ? { k: 'line', s, x, task: u.id, coro: u.name, th: 0 } : { k: 'line', s, x, th: 0 });
    const lines = (text) => {
      let from = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', from)) {
        const line = buf + text.slice(from, i);
        if (!long && line.length <= MAX) {
          // th 0: the main thread (JavaScript's one; a worker's writes never pass here).
          send(record(line, current()));
        }
        buf = '';
        long = false;
        from = i + 1;
      }
      const rest = text.slice(from);
      if (buf.length + rest.length > MAX) long = true;
      else buf += rest;
      if (rest) bufBy = current();
    };
    // A last line without its newline: the parent captures it at the end of the stream.
    process.on('exit', () => {
      if (buf && !long) send({ ...record(buf, bufBy), p: true });
      buf = '';
    });
    stream.write = function write_(chunk, ...rest) {
      const r = Reflect.apply(write, this, [chunk, ...rest]);
      try {
        if (typeof chunk === 'string') lines(chunk);
        else if (chunk instanceof Uint8Array) lines(decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      } catch (e) {
        /* never disturb the program */
      }
      return r;
    };
  }
}

module.exports = { tapLines };
