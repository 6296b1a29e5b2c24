// tracegrade's virtual clock for Node programs, loaded with `node --require` before the entry
// (CommonJS or ESM alike). The program runs unmodified; its timers follow a fake clock
// (virtual/clock.cjs, @sinonjs/fake-timers) that the driver (virtual/driver.cjs) moves to the
// next due timer whenever nothing else can run — by asking the parent, which owns virtual time
// and stamps every line itself (src/run/instrument/node.ts). Everything here is a claim to the
// parent: records are signed and numbered (virtual/channel.cjs) and cross-checked there.
// It never prints (but for rejection.cjs's line); if anything fails to load, the run says so (`fallback`) and keeps real time.
'use strict';
require('./rejection.cjs');
(function boot() {
  if (process.env.TRACEGRADE_CLOCK !== 'virtual') return;
  const wallMs = Number(process.env.TRACEGRADE_WALL_MS) || 0;
  const structure = !!process.env.TRACEGRADE_STRUCTURE;
  delete process.env.TRACEGRADE_STRUCTURE;
  // Loaded now, installed after the clock: it keeps the real hrtime, and wraps the fake Date.now.
  const structureTracer = structure ? require('./structure/index.cjs') : null;
  delete process.env.TRACEGRADE_CLOCK;
  delete process.env.TRACEGRADE_WALL_MS;
  const hr = process.hrtime.bigint;
  const t0 = hr();
  const realMs = () => Number(hr() - t0) / 1e6;
  let driver = null;
  const { openChannel } = require('./virtual/channel.cjs');
  const channel = openChannel(() => (driver ? driver.stamp() : [0, Math.round(realMs() * 1000)]));
  if (channel.broken) return; // no parent to ask: Node's own clock
  channel.send({ k: 'hello', clock: 'virtual', pid: process.pid, node: process.version });

  let ended = false;
  const sendEnd = (extra) => {
    if (ended) return;
    ended = true;
    channel.send({ k: 'end', ...extra });
  };
  try {
    const { watchOutput } = require('./virtual/io.cjs');
    const { installClock } = require('./virtual/clock.cjs');
    const { createDriver } = require('./virtual/driver.cjs');
    const out = watchOutput();
    let clock = null;
    const d = {};
    clock = installClock({ onTouch: () => d.touch && d.touch(), onTimer: () => d.kick && d.kick() });
    const onTimeout = () => {
      sendEnd({ reason: 'timeout', detail: `virtual time reached the ${wallMs / 1000} s wall-time limit` });
      process.kill(process.pid, 'SIGKILL');
    };
    driver = createDriver({ clock, channel, out, wallUs: wallMs * 1000, realMs, onTimeout });
    Object.assign(d, driver);
    // The structure tracer after the clock: it wraps the fake Date.now (steps.cjs).
    if (structureTracer) {
      try {
        structureTracer.installStructure(channel, { crept: driver.crept });
      } catch (e) {
        /* no structure records: the structure checks fail, the clock goes on */
      }
    }
    // ESM code imports node:timers/promises through the builtin's ESM facade: refresh it.
    require('module').syncBuiltinESMExports();
  } catch (e) {
    if (driver) driver.fallBack(`the virtual clock failed (${String(e && e.message).slice(0, 120)}), so the run used real time`);
    else channel.send({ k: 'fallback', why: `the virtual clock could not start (${String(e && e.message).slice(0, 120)}), so the run used real time` });
  }
  // The end record: every normal exit (process.exit, the loop running dry, an uncaught error).
  process.on('exit', () => sendEnd({}));
  const reallyExit = process.reallyExit;
  process.reallyExit = function (code) {
    sendEnd({});
    return reallyExit.call(process, code);
  };
})();
