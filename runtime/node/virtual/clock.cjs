// The program's timers on @sinonjs/fake-timers (vendored into runtime/node/vendor by the build):
// setTimeout, setInterval (global, node:timers, node:timers/promises), Date, performance.now and
// process.hrtime read a clock that only moves when the driver moves it (driver.cjs). setImmediate,
// process.nextTick and microtasks stay Node's own: they take no time. This file only adapts the
// library to Node's semantics and to the driver:
// - delays as Node clamps them (below 1 ms or above 2^31-1: 1 ms), a non-function callback
//   rejected by Node's own setTimeout (the same ERR_INVALID_ARG_TYPE);
// - whether a pending timer keeps the process alive (ref/unref);
// - time moved forward without firing anything (a busy-wait creeping, the real-time fallback),
//   after which overdue timers fire at the current time, in the order they fell due.
'use strict';
const path = require('path');

const TIMEOUT_MAX = 2 ** 31 - 1;

function nodeDelay(d) {
  const after = Number(d);
  return after >= 1 && after <= TIMEOUT_MAX ? after : 1;
}

/** `onTouch()` runs on every read of the clock by the program; `onTimer()` on every timer added. */
function installClock({ onTouch, onTimer }) {
  const FakeTimers = require(path.join(__dirname, '..', 'vendor', 'node_modules', '@sinonjs', 'fake-timers'));
  const real = { setTimeout, setInterval, clearTimeout, now: Date.now };
  const epoch = Date.now();
  const clock = FakeTimers.install({
    now: epoch,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance', 'hrtime'],
    shouldClearNativeTimers: false,
    ignoreMissingTimers: true,
  });
  // Every read by the program (Date.now, new Date(), performance.now, hrtime) passes here.
  let nowMs = clock.now;
  let quiet = 0;
  Object.defineProperty(clock, 'now', {
    configurable: true,
    get() {
      if (quiet === 0) onTouch();
      return nowMs;
    },
    set(v) {
      nowMs = v;
    },
  });
  // fireOne reads the clock quietly, but the callback it runs is the program's: its reads count
  // (a busy-wait inside a timer callback must make the clock creep, or it never ends).
  const programsOwn = (cb) =>
    function () {
      const q = quiet;
      quiet = 0;
      try {
        return Reflect.apply(cb, this, arguments);
      } finally {
        quiet = q;
      }
    };
  const handles = new Map(); // timer id -> the handle returned to the program (its ref state)
  for (const name of ['setTimeout', 'setInterval']) {
    const fake = clock[name];
    clock[name] = function (cb, delay, ...args) {
      // Node's own setTimeout throws its own error (ERR_INVALID_ARG_TYPE; two frames of ours in its stack).
      if (typeof cb !== 'function') return real[name](cb, delay, ...args);
      quiet++;
      try {
        const h = fake.call(clock, programsOwn(cb), nodeDelay(delay), ...args);
        if (h && typeof h === 'object') handles.set(Number(h), h);
        onTimer();
        return h;
      } finally {
        quiet--;
      }
    };
  }
  // The globals carry a back-reference to the clock, not for the program: Date keeps only `now`.
  for (const f of [globalThis.setTimeout, globalThis.setInterval, globalThis.clearTimeout, globalThis.clearInterval]) delete f.clock;
  Object.defineProperty(globalThis.Date, 'clock', { value: Object.freeze({ get now() { return clock.now; } }), enumerable: false });
  const heap = () => (clock.timerHeap ? clock.timerHeap.timers : []);
  const alive = (t) => clock.timers && clock.timers.has(t.id);
  const refed = (t) => {
    const h = handles.get(t.id);
    return !h || typeof h.hasRef !== 'function' || h.hasRef();
  };

  return {
    epoch,
    real,
    /** The clock in ms since the epoch, without counting as a read by the program. */
    nowMs: () => nowMs,
    /** The earliest pending timer: { atMs, anyRefed } or null. */
    next() {
      let first = null;
      let anyRefed = false;
      for (const t of heap()) {
        if (!alive(t)) continue;
        if (!first || t.callAt < first.callAt) first = t;
        if (!anyRefed && refed(t)) anyRefed = true;
      }
      return first && { atMs: first.callAt, anyRefed };
    },
    /** Fires the first timer due now (one callback: the caller lets microtasks run after it). */
    fireOne() {
      const t = clock.timerHeap && clock.timerHeap.peek();
      if (!t || t.callAt > nowMs) return false;
      quiet++;
      try {
        clock.next();
      } finally {
        quiet--;
        if (!alive(t)) handles.delete(t.id);
      }
      return true;
    },
    /** Moves time forward to `ms` without firing; overdue timers become due now, in their order. */
    advanceTo(ms) {
      if (!(ms > nowMs)) return;
      nowMs = ms;
      const due = heap().filter((t) => t.callAt < ms).sort((a, b) => a.callAt - b.callAt || a.order - b.order);
      const orders = due.map((t) => t.order).sort((a, b) => a - b);
      due.forEach((t, i) => {
        clock.timerHeap.remove(t);
        t.callAt = ms;
        t.order = orders[i];
      });
      for (const t of due) clock.timerHeap.push(t);
    },
  };
}

module.exports = { installClock };
