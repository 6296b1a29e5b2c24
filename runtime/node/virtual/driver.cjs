// Moves the fake clock (clock.cjs). While a timer is pending, a step runs from Node's own
// setImmediate, i.e. after the program's synchronous code, its microtasks and nextTicks:
// - a timer due now fires, one callback per step (the next step is queued first, so timers due
//   together fire back to back, each followed by its microtasks, as in Node's timers phase);
// - otherwise, when nothing else can run (no immediate queued, no output held in Node, no real
//   I/O pending), it asks the parent to jump to the next timer and advances to exactly the
//   granted time (channel.cjs: the request carries the lines written so far, the parent stamps
//   them before the jump);
// - real I/O pending while a timer waits: the run falls back to real time, announced on the
//   channel (`fallback`), and from then on timers fire when their time comes in real time.
// A program reading the clock in a loop without ever yielding (a busy-wait on Date.now) makes
// time creep forward with the real time it spends, through the parent like any jump.
'use strict';
const { pendingIo, immediatesQueued } = require('./io.cjs');

const BUSY_READS = 5000;

function createDriver({ clock, channel, out, wallUs, realMs, onTimeout }) {
  let vUs = 0; // the parent's last grant
  let fell = null; // { real0, vMs0 } once in real time
  let queued = false;
  let realTimer = null;
  let reads = 0;
  let busyMark = null;
  let creptUs = 0; // virtual time a busy-wait made creep (the structure tracer's blocking length)

  const virtualMs = () => clock.nowMs() - clock.epoch;

  /** Asks the parent for `toUs`; moves the clock to what it grants. */
  function jump(toUs) {
    const reply = channel.request({ k: 'jump', to: toUs, o: out.lines.o, e: out.lines.e });
    const granted = reply === null ? toUs : Number(reply);
    if (Number.isFinite(granted) && granted > vUs) vUs = granted;
    clock.advanceTo(clock.epoch + Math.floor(vUs / 1000));
    reads = 0;
    busyMark = null;
    if (wallUs && toUs >= wallUs) onTimeout();
  }

  function syncReal() {
    clock.advanceTo(clock.epoch + Math.floor(fell.vMs0 + (realMs() - fell.real0)));
  }

  function fallBack(why) {
    if (fell) return;
    channel.send({ k: 'fallback', why });
    fell = { real0: realMs(), vMs0: virtualMs() };
  }

  function schedule() {
    if (fell) {
      if (realTimer) clock.real.clearTimeout(realTimer);
      realTimer = null;
      const next = clock.next();
      if (!next) return;
      realTimer = clock.real.setTimeout(step, Math.max(0, next.atMs - clock.nowMs()));
      if (!next.anyRefed) realTimer.unref();
    } else if (!queued) {
      queued = true;
      setImmediate(step);
    }
  }

  function step() {
    queued = false;
    realTimer = null;
    if (fell) syncReal();
    const next = clock.next();
    if (!next) return;
    if (next.atMs <= clock.nowMs()) {
      schedule(); // first: an exception in the callback must not stop the clock
      reads = 0;
      clock.fireOne();
      return;
    }
    if (fell) return schedule();
    if (out.queued() || immediatesQueued()) return schedule();
    const io = pendingIo(out.isStdio);
    if (io) {
      fallBack(`real I/O was pending (${io}) when the next timer was due at ${virtualMs() / 1000} s, so the run went on in real time from there`);
      return schedule();
    }
    if (!next.anyRefed) return; // only unref'ed timers: Node would exit now
    jump(Math.round((next.atMs - clock.epoch) * 1000));
    schedule();
  }

  /** A read of the clock by the program. */
  function touch() {
    if (fell) return syncReal();
    if (++reads < BUSY_READS) return;
    const r = realMs();
    if (busyMark === null) busyMark = r;
    const delta = Math.floor(r - busyMark);
    if (delta < 1) return;
    busyMark += delta;
    const keep = reads;
    creptUs += delta * 1000;
    jump(vUs + delta * 1000);
    reads = keep; // still busy: keep creeping
    busyMark = r;
  }

  return {
    kick: schedule,
    crept: () => creptUs,
    touch,
    fallBack,
    /** [v, r] for a record: the granted virtual µs (real-paced after a fallback), real µs. */
    stamp: () => [fell ? Math.round(virtualMs() * 1000) : vUs, Math.round(realMs() * 1000)],
  };
}

module.exports = { createDriver };
