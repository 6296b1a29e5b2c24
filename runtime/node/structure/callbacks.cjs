// What blocked the event loop outside any async call: the program's top-level code, and each
// callback the loop runs (a timer, an immediate, a nextTick, an I/O callback), timed with
// async_hooks' before/after — less the steps of async calls made inside it, which steps.cjs
// times and reports as theirs. A stretch longer than BLOCKING_MS is a 'blocking' record of
// task 0 (no call), with where it was stuck when the program read the clock meanwhile. Which
// kind of callback is not said: under the virtual clock a timer's callback runs from the
// clock's own setImmediate, and the words must not differ between the clocks.
// `unitUs()` counts the steps' own time, which is theirs, not the callback's.
// Promise reactions are not callbacks here: their code is a unit's step, or a .then callback,
// which is measured as part of nothing (rarely long: it is the tail of some other work).
'use strict';
const { createHook, executionAsyncResource } = require('async_hooks');
const { BLOCKING_MS } = require('./steps.cjs');

const READS_PER_LOOK = 64;

function watchCallbacks({ emit, watch, frames, siteOf, busy, unitUs, loopTurn }) {
  let depth = 0;
  // The top-level code runs first, from here to the end of the main script's synchronous run
  // (the first nextTick queued at preload time runs then; an ES module's body runs later, in
  // promise reactions, which are not timed here).
  let seg = { m: watch.mark(), u0: unitUs(), what: "the program's top-level code", site: null, reads: 0 };
  process.nextTick(() => {
    if (depth === 0) close();
    loopTurn();
  });

  function close() {
    const s = seg;
    seg = null;
    if (!s) return;
    const us = watch.own(s.m, !!s.site) - (unitUs() - s.u0);
    if (us <= BLOCKING_MS * 1000) return;
    emit({
      k: 'task',
      e: 'blocking',
      id: 0,
      d: Math.round(us),
      ...(s.site ? { site: s.site } : {}),
      detail: `${s.what} that never yields${s.site ? ' (a loop on the clock)' : ''}`,
    });
  }

  createHook({
    before() {
      if (depth++ > 0) return;
      close();
      const res = executionAsyncResource();
      if (!(res instanceof Promise)) loopTurn(); // the loop came around: a microtask run is over
      if (busy() || res instanceof Promise) return;
      seg = { m: watch.mark(), u0: unitUs(), what: 'a callback', site: null, reads: 0 };
    },
    after() {
      if (--depth > 0) return;
      depth = 0;
      close();
    },
  }).enable();

  return {
    /** A read of the clock outside any call: where a long callback is stuck. */
    touch(skip) {
      if (!seg || seg.site || busy() || ++seg.reads % READS_PER_LOOK !== 0) return;
      // `true`: reading the clock, so crept time counts (see steps.cjs' touch).
      if (watch.own(seg.m, true) <= BLOCKING_MS * 1000) return;
      const f = frames(skip, 12)[0];
      if (f) seg.site = siteOf(f);
    },
  };
}

module.exports = { watchCallbacks };
