// What blocked the event loop: a step of a unit (from its start or resumption to its next
// await, its end, or a call into another async function) that ran longer than BLOCKING_MS of
// real time. The record names the unit and where in the submission it was stuck: the frame
// that last read the clock during the step (a busy-wait on Date.now / performance.now, the
// usual "sleep" that never yields) or, without one, the unit's own function.
// A step's length is its own time (index.cjs, `watch`): real time less the child's waits for the
// parent's answers, or the virtual time its busy-wait made creep, whichever is more — so a
// 2.5 s busy-wait reads 2.5 s under both clocks.
'use strict';

const BLOCKING_MS = 50;
const READS_PER_LOOK = 64;

function createTimer({ emit, watch, frames, siteOf }) {
  let cur = null; // { u, m (watch.mark()), site, reads }
  let total = 0; // µs of all steps so far (callbacks.cjs subtracts them from a callback's time)
  let reported = 0; // µs of the steps reported as blocking (microtasks.cjs does not count them again)

  function begin(u) {
    cur = { u, m: watch.mark(), site: null, reads: 0 };
  }

  function end(u) {
    if (!cur || cur.u !== u) return;
    const us = watch.own(cur.m, !!cur.site);
    total += us;
    const c = cur;
    cur = null;
    if (us <= BLOCKING_MS * 1000) return;
    reported += us;
    const where = c.site || u.site;
    const what = c.site ? 'a loop on the clock that never awaits' : 'synchronous code that never awaits';
    emit({
      k: 'task',
      e: 'blocking',
      id: u.id,
      d: Math.round(us),
      name: u.name,
      site: where,
      detail: what,
    });
  }

  /** A read of the clock by the program: where a long step is stuck, found once per step. */
  function touch(skip) {
    if (!cur || cur.site || ++cur.reads % READS_PER_LOOK !== 0) return;
    // `true`: the program is reading the clock. Under the virtual clock a spin's real time is
    // mostly spent waiting on the parent's answers, so its crept time says how long it is.
    if (watch.own(cur.m, true) <= BLOCKING_MS * 1000) return;
    const f = frames(skip, 12)[0];
    if (f) cur.site = siteOf(f);
  }

  return { begin, end, touch, total: () => total, reported: () => reported };
}

module.exports = { createTimer, BLOCKING_MS };
