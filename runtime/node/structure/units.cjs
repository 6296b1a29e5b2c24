// Async function calls as units, from V8's promise hooks (v8.promiseHooks): each hook sees the
// promise being made and its parent, and the stack (callsites.cjs) says who made it:
// - an async function's own promise: made on entry, with the function itself as the innermost
//   frame and no parent. A unit is created and starts running at once (a call runs
//   synchronously up to its first await), inside its caller's step;
// - an `await` in a unit: the throwaway promise V8 makes there, innermost frame the unit's
//   function, parent the awaited promise (for `await value`, a promise wrapping the value,
//   whose own parent is the unit's promise, comes first). The unit is suspended; its caller, if it is still
//   running synchronously, resumes. If the awaited promise is another unit's, that is a join;
// - `.then`, Promise.all/allSettled/race/any on a unit's promise (a builtin innermost): a join;
// - `before` of an await's throwaway: the unit resumes; `settled` of its own promise: done.
// Why promise hooks and not async_hooks: the same events without Node's async-id bookkeeping,
// with the parent promise itself (async_hooks' triggerAsyncId falls back to the current id when
// there is no parent, which makes `new Promise` and `await` indistinguishable). Records are the
// Python tracer's kinds (created/started/suspended/resumed/done/awaited/blocking), so the rules
// in src/check/tasks read them unchanged.
'use strict';
const { promiseHooks } = require('v8');
const { topFrame, userFrames } = require('./callsites.cjs');
const { createTimer } = require('./steps.cjs');

/** `reactions`: told of every promise reaction before and after it runs (microtasks.cjs). */
function createUnits({ emit, isUser, siteOf, watch, reactions }) {
  const units = new WeakMap(); // an async function's promise -> its unit
  const awaits = new WeakMap(); // an await's throwaway promise -> the unit that awaits
  const running = []; // units running synchronously now, innermost last
  const names = new Map(); // name -> calls so far (labels: fetchData, fetchData #2)
  let next = 1;
  const steps = createTimer({ emit, watch, frames: (skip, limit) => userFrames(skip, limit, isUser), siteOf });

  const top = () => running[running.length - 1];
  const key = (f) => `${f.file}:${f.encLine}:${f.encCol}`;

  function begin(u, kind) {
    emit({ k: 'task', e: kind, id: u.id });
    running.push(u);
    steps.begin(u);
  }
  function end(u, kind) {
    const wasRunning = top() === u;
    if (wasRunning) {
      steps.end(u);
      running.pop();
    }
    emit({ k: 'task', e: kind, id: u.id });
    const caller = top();
    // The caller's synchronous code goes on where the call returned: a step of its own.
    if (caller && wasRunning) {
      emit({ k: 'task', e: 'resumed', id: caller.id });
      steps.begin(caller);
    }
  }

  function init(promise, parent) {
    const cur = top();
    // Fast paths, no stack needed: a promise of no interest to anyone running.
    if (parent !== undefined && !cur && !units.has(parent)) return;
    // `await value` (not a promise) first wraps the value in a promise whose parent is the
    // unit's own; the throwaway that follows is the await.
    if (cur && parent === cur.promise) return;
    const f = topFrame(init, isUser);
    if (!f) return;
    if (f.file) {
      // An ES module's body with top-level await runs as an async function too: not a call.
      if (parent === undefined && !f.fn && f.encLine === 1 && f.encCol === 1) return;
      if (parent === undefined) {
        const name = f.fn || f.method || '<anonymous>';
        const n = (names.get(name) || 0) + 1;
        names.set(name, n);
        const u = { id: next++, name, key: key(f), site: siteOf(f), open: true, promise };
        units.set(promise, u);
        const label = n === 1 ? name : `${name} #${n}`;
        emit({ k: 'task', e: 'created', id: u.id, name, via: 'call', detail: label, ...(cur ? { by: cur.id } : {}) });
        if (cur) steps.end(cur);
        begin(u, 'started');
        return;
      }
      if (cur && cur.key === key(f)) {
        awaits.set(promise, cur);
        const target = units.get(parent);
        if (target && target !== cur) emit({ k: 'task', e: 'awaited', id: target.id, by: cur.id });
        end(cur, 'suspended');
      } else if (!cur && units.get(parent)) {
        // Top-level await in an ES module on a call's promise: collected outside any call.
        emit({ k: 'task', e: 'awaited', id: units.get(parent).id, by: 0 });
      }
      return;
    }
    // A builtin made it (.then, Promise.all …) on a unit's promise: the running unit joins it
    // (by 0: the program's top-level code or a callback, outside any call).
    const target = parent !== undefined ? units.get(parent) : undefined;
    if (target && target !== cur) emit({ k: 'task', e: 'awaited', id: target.id, by: cur ? cur.id : 0 });
  }

  function before(promise) {
    reactions.reaction();
    const u = awaits.get(promise);
    if (u && u.open) begin(u, 'resumed');
  }

  function after(promise) {
    const u = awaits.get(promise);
    if (u && top() === u) {
      steps.end(u);
      running.pop();
    }
    reactions.reacted(u);
  }

  function settled(promise) {
    const u = units.get(promise);
    if (!u || !u.open) return;
    u.open = false;
    end(u, 'done'); // when not running: it returned a promise that settled later
  }

  const stop = promiseHooks.createHook({ init, before, after, settled });
  return { stop, current: top, steps };
}

module.exports = { createUnits };
