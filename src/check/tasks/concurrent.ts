/**
 * `concurrent: { at_least: N }`: at some step of the loop, N tasks are in flight and working:
 * the task running that step, and every other task that started before it and ends after it
 * without waiting for another task to finish (`await task`, gather, wait, a TaskGroup's end).
 * The running task does not count in a step in which it begins to wait for another (it only
 * hands over: Node's `await fetchData()` after the call has started it).
 * By the order of events, so `await task1` right after create_task is not concurrency, and a
 * task asyncio.run cancels when main returns never ran alongside anything.
 */

import type { RunRecord } from '../../trace/types.js';
import type { CheckOutcome, TimeWindow } from '../types.js';
import { renderConcurrentFail, renderConcurrentPass } from '../explain/index.js';
import { failed, passed, type Ctx } from '../common.js';
import { acrossStep, isJs, shutdownAt, span, type Model, type Step, type TaskNode } from './model.js';
import { taskRef, unitRef } from './lines.js';
import { cancelledByMainReturn, whyApart } from './causes.js';

/** Whether t is waiting for another task across step s (joined at or before its last step before s). */
function joinedAcross(model: Model, t: TaskNode, s: Step): boolean {
  const before = t.steps.filter((x) => x.to <= s.from);
  const last = before[before.length - 1];
  if (!last) return false;
  return t.joins.some((j) => j.at >= last.from && j.at <= last.to);
}

/** Whether the task running step s begins waiting for another task within it (its step only hands over). */
function joinsIn(model: Model, s: Step): boolean {
  return model.tasks.get(s.task)?.joins.some((j) => j.at >= s.from && j.at <= s.to) ?? false;
}

function workingAt(model: Model, s: Step): TaskNode[] {
  const out: TaskNode[] = [];
  for (const t of model.tasks.values()) {
    if (t.id === s.task) {
      if (!joinsIn(model, s)) out.push(t);
      continue;
    }
    const sp = span(t, model);
    if (sp && acrossStep(sp, s) && !joinedAcross(model, t, s)) out.push(t);
  }
  return out;
}

export function concurrent(ctx: Ctx, model: Model, _run: RunRecord, atLeast: number): CheckOutcome {
  let best: { who: TaskNode[]; step?: Step } = { who: [] };
  // Steps after main returned are asyncio.run cancelling what is left: not work done together.
  const shutdown = shutdownAt(model);
  for (const s of model.steps) {
    if (s.from >= shutdown) break;
    const w = workingAt(model, s);
    if (w.length > best.who.length) best = { who: w, step: s };
  }
  const windows: TimeWindow[] = best.who.map((t) => {
    const sp = span(t, model)!;
    return { fromMs: model.events[sp.from]!.tMs, toMs: model.events[sp.to]?.tMs ?? t.endMs ?? model.events[sp.from]!.tMs, label: `${t.name} in flight` };
  });
  const atMs = best.step ? model.events[best.step.from]!.tMs : 0;
  if (best.who.length >= atLeast) return passed(ctx, renderConcurrentPass(best.who.map((t) => taskRef(t, t.id)), atMs, isJs(model, ctx.spec.run?.runtime)), [], windows);
  // The cause: main returned early, or the two tasks that came closest ran one after another.
  const started = [...model.tasks.values()].filter((t) => t.steps.length > 0 && t.via !== 'main');
  const main = cancelledByMainReturn(model);
  let cause = main;
  // The pair to explain: two tasks that created neither of the others when there are two (Node's
  // main calls fetchData and printNumbers: those two are the pair), else the first two.
  const leaves = started.filter((t) => !started.some((o) => o.by === t.id));
  const pair = leaves.length >= 2 ? leaves : started;
  if (!cause && pair.length >= 2) {
    const u = (t: TaskNode) => model.units.find((x) => x.task === t.id && x.name === t.name) ?? model.units.find((x) => x.task === t.id);
    const [a, b] = [u(pair[0]!), u(pair[1]!)];
    if (a && b) cause = whyApart(model, a, b, false, false);
  }
  const seen = started.map((t) => {
    const r = unitRef(model, model.units.find((x) => x.task === t.id) ?? { name: t.name, task: t.id, from: t.steps[0]!.from, to: t.end ?? model.events.length, fromMs: model.events[t.steps[0]!.from]!.tMs });
    return r;
  });
  return failed(ctx, 'violated', renderConcurrentFail(atLeast, best.who.length, seen, cause, isJs(model, ctx.spec.run?.runtime)), atLeast > 0 ? best.who.length / atLeast : 0, [], windows);
}
