// The real clock's side of the structure tracer: the signed channel (virtual/channel.cjs,
// records stamped with the child's real µs since start, which the parent shifts onto its own
// timeline), the hello that marks the program's start, and the end record on every normal
// exit — the parent calls a run without one, after a normal exit, tampered.
'use strict';

function startTraced() {
  try {
    const hr = process.hrtime.bigint;
    const t0 = hr();
    const us = () => Math.round(Number(hr() - t0) / 1000);
    const { openChannel } = require('../virtual/channel.cjs');
    const channel = openChannel(() => {
      const r = us();
      return [r, r];
    });
    if (channel.broken) return;
    channel.send({ k: 'hello', clock: 'real', pid: process.pid, node: process.version });
    let ended = false;
    const sendEnd = () => {
      if (ended) return;
      ended = true;
      channel.send({ k: 'end' });
    };
    process.on('exit', sendEnd);
    const reallyExit = process.reallyExit;
    process.reallyExit = function (code) {
      sendEnd();
      return reallyExit.call(process, code);
    };
    require('./index.cjs').installStructure(channel);
  } catch (e) {
    /* never disturb the program: without records its structure checks fail */
  }
}

module.exports = { startTraced };
