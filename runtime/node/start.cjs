// tracegrade's start marker for Node programs (or, when the spec judges the program's async
// structure, the structure tracer under the real clock: structure/real.cjs), loaded with `node --require` (or, after the
// loose module hooks, `--import`) before the entry; it installs rejection.cjs too.
// It tells the parent (one line on the side channel, fd TRACEGRADE_CHANNEL_FD) that the
// program's own code begins now, closes the channel and removes its variable, so the program
// and any node it starts (fork() passes on --require) see nothing. It never throws, and prints only
// the line of an unhandled rejection (rejection.cjs).
'use strict';
require('./rejection.cjs');
if (process.env.TRACEGRADE_STRUCTURE) {
  delete process.env.TRACEGRADE_STRUCTURE;
  require('./structure/real.cjs').startTraced();
} else try {
  const fdText = process.env.TRACEGRADE_CHANNEL_FD;
  delete process.env.TRACEGRADE_CHANNEL_FD;
  const fd = Number(fdText);
  if (fdText && Number.isInteger(fd) && fd > 2) {
    const fs = require('fs');
    // Only the parent's pipe (a socket or FIFO): were fd 3 not given, Node's own event-loop fd
    // could sit there, and closing that would abort the process.
    let st = null;
    try {
      st = fs.fstatSync(fd);
    } catch (e) {
      /* no such fd */
    }
    if (st && (st.isSocket() || st.isFIFO())) {
      try {
        fs.writeSync(fd, '{"k":"hello","clock":"start","node":' + JSON.stringify(process.version) + '}\n');
      } catch (e) {
        /* the parent is gone: nothing to tell */
      }
      try {
        fs.closeSync(fd);
      } catch (e) {
        /* already closed */
      }
    }
  }
} catch (e) {
  /* never disturb the program */
}
