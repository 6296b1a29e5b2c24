// tracegrade's structure tracer for Node programs (issue 16): which async function calls ran
// at the same time, what blocked the event loop and for how long, and which call printed each
// line. Installed by the preload (start.cjs under the real clock, virtual.cjs under the
// virtual one) before the program's first line, when the spec has a `tasks` check or a `by:`
// selector. It sends the Python tracer's record kinds on the signed channel (units.cjs,
// steps.cjs, lines.cjs), so src/check/tasks judges both runtimes alike. Everything it uses is
// taken now, before the program can patch anything (callsites.cjs, guard.cjs).
'use strict';
const path = require('path');
const { lockDown } = require('./guard.cjs');
const { createUnits } = require('./units.cjs');
const { tapLines } = require('./lines.cjs');
const { watchCallbacks } = require('./callbacks.cjs');
const { watchMicrotasks } = require('./microtasks.cjs');
const { userFrames } = require('./callsites.cjs');
const { openRunQueue } = require('./runqueue.cjs');
const { BLOCKING_MS } = require('./steps.cjs');

// Real time, taken when this file loads: virtual.cjs loads it before the clock fakes hrtime.
const hr = process.hrtime.bigint;

/** `crept()`: virtual µs a busy-wait made the clock creep so far (virtual clock; 0 in real time). */
function installStructure(channel, { crept = () => 0 } = {}) {
  const t0 = hr();
  const now = () => Number(hr() - t0) / 1000; // real µs
  // A stretch's own length: its real time less the child's waits for the parent's answers, or,
  // for a loop on the clock, the virtual time it made creep if more (2.5 s under both clocks).
  // Less, too, the time the thread waited for a CPU (runqueue.cjs), read only for a long stretch —
  // but not for a loop on the clock (`onClock`): it lasts as long as the clock says, loaded or not.
  const waited = () => channel.waitedUs || 0;
  const rq = openRunQueue(now);
  const watch = {
    mark: () => [now(), waited(), crept(), rq.recent()],
    own(m, onClock = false) {
      let real = now() - m[0] - (waited() - m[1]);
      if (!onClock && real > BLOCKING_MS * 1000) real -= Math.max(0, rq.read() - m[3]);
      // Crept time only for a loop found reading the clock: a short step in which one creep
      // happened to land (after the parent's answer) must not be charged with it.
      return onClock ? Math.max(real, crept() - m[2]) : real;
    },
  };
  const here = path.resolve(__dirname, '..') + path.sep;
  const cwd = process.cwd() + path.sep;
  const isUser = (file) => !file.startsWith('node:') && !file.startsWith(here) && !file.startsWith('internal/') && file.includes('/');
  const siteOf = (f) => {
    let file = String(f.file).replace(/^file:\/\//, '');
    file = file.startsWith(cwd) ? file.slice(cwd.length) : path.basename(file);
    return `${file}:${f.line}`;
  };
  const emit = (rec) => channel.send(rec);
  const frames = (skip, limit) => userFrames(skip, limit, isUser);
  const reactions = { reaction() {}, reacted() {} }; // filled in below: the steps come first
  const units = createUnits({ emit, isUser, siteOf, watch, reactions });
  const micro = watchMicrotasks({ emit, watch, frames, siteOf, reportedUs: units.steps.reported, stamp: () => channel.stamp()[0] });
  Object.assign(reactions, { reaction: micro.reaction, reacted: micro.reacted });
  tapLines({ send: emit, current: units.current });
  const loop = watchCallbacks({ emit, watch, frames, siteOf, busy: () => !!units.current(), unitUs: units.steps.total, loopTurn: micro.end });
  watchClockReads((skip) => {
    units.steps.touch(skip);
    loop.touch(skip);
    micro.touch(skip);
  });
  process.on('exit', micro.end);
  lockDown();
}

/** Date.now and performance.now report each read (a busy-wait's location, steps.cjs). */
function watchClockReads(touch) {
  const dateNow = Date.now;
  const wrapped = function now() {
    touch(wrapped);
    return Reflect.apply(dateNow, this, []);
  };
  Date.now = wrapped;
  const perf = globalThis.performance;
  if (perf && typeof perf.now === 'function') {
    const perfNow = perf.now;
    const pw = function now() {
      touch(pw);
      return Reflect.apply(perfNow, this, []);
    };
    try {
      perf.now = pw;
    } catch (e) {
      /* read-only in this Node: the unit's own site is said instead */
    }
  }
}

module.exports = { installStructure };
