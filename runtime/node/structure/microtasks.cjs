// What blocked the event loop in promise callbacks: a run of microtasks (each await's
// resumption, each .then callback) between two of the loop's callbacks, which no timer or I/O
// callback can interrupt. `while (Date.now() < until) await null` keeps every step short and
// still starves the timers; this counts the whole run. A run starts with the first promise
// reaction after a loop callback (or after the top-level code) and ends at the next one; its
// length is the program's own time (`watch`) less the steps already reported as blocking on
// their own, so nothing is counted twice. It is charged to the call whose steps ran most in it
// (the one looping on an await), else to no call (task 0).
'use strict';
const { BLOCKING_MS } = require('./steps.cjs');

const READS_PER_LOOK = 64;

/** `stamp()`: the channel's time now (the record is dated where the run began). */
function watchMicrotasks({ emit, watch, frames, siteOf, reportedUs, stamp }) {
  let run = null; // { m, r0, site, reads, last }

  function own(r, upto) {
    return Math.max(0, upto - (reportedUs() - r.r0));
  }

  return {
    /** A promise reaction is about to run. */
    reaction() {
      if (!run) run = { m: watch.mark(), at: stamp(), r0: reportedUs(), site: null, reads: 0, len: 0, steps: new Map() };
    },
    /** A promise reaction has run (a step of call `u`, or none): the run lasts at least until now. */
    reacted(u) {
      if (!run) return;
      run.len = watch.own(run.m, !!run.site);
      if (u) run.steps.set(u, (run.steps.get(u) || 0) + 1);
    },
    /** The loop came around (a callback, the end of the top-level code): the run is over. */
    end() {
      const r = run;
      run = null;
      if (!r) return;
      const us = own(r, r.len);
      if (us <= BLOCKING_MS * 1000) return;
      let u = null;
      for (const [x, n] of r.steps) if (!u || n > r.steps.get(u)) u = x;
      emit({
        k: 'task',
        e: 'blocking',
        id: u ? u.id : 0,
        d: Math.round(us),
        at: r.at,
        ...(u ? { name: u.name } : {}),
        ...(r.site ? { site: r.site } : {}),
        detail: r.site ? 'a loop on the clock around an await: its promise callbacks never let a timer fire' : 'promise callbacks that never let a timer fire',
      });
    },
    /** A read of the clock: where a long run is stuck. */
    touch(skip) {
      if (!run || run.site || ++run.reads % READS_PER_LOOK !== 0) return;
      // `true`: reading the clock, so crept time counts (see steps.cjs' touch).
      if (watch.own(run.m, true) <= BLOCKING_MS * 1000) return;
      const f = frames(skip, 12)[0];
      if (f) run.site = siteOf(f);
    },
  };
}

module.exports = { watchMicrotasks };
