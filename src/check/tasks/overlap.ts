/**
 * `overlap: [A, B]`: A and B overlap when both are in flight and A is suspended on an await while
 * B makes progress (a step of B's task runs while B is in flight), and vice versa. By the order
 * of events only, for coroutines hosted by any task (create_task, gather, TaskGroup, wait,
 * as_completed, or awaited inside one of those). Each must have printed a line of its own, so an
 * idle coroutine cannot stand in for the code (a thread, say) that does the printing.
 */

import type { RunRecord } from '../../trace/types.js';
import type { CheckOutcome, TimeWindow } from '../types.js';
import type { StructureCause } from '../explain/evidence.js';
import { renderOverlapFail, renderOverlapPass } from '../explain/index.js';
import { failed, passed, ref, type Ctx } from '../common.js';
import { acrossStep, inStep, shutdownAt, type Model, type Step, type Unit } from './model.js';
import { printedBy, taskRef, threadPrints, unitRef } from './lines.js';
import { cancelledByMainReturn, whyApart } from './causes.js';

/**
 * The first step of b's task in which b progressed while a was in flight and suspended. A step
 * after main returned is asyncio.run cancelling b, not b's work.
 */
export function progressWhileSuspended(model: Model, a: Unit, b: Unit): Step | undefined {
  if (a.task === b.task) return undefined;
  const shutdown = shutdownAt(model);
  return model.tasks.get(b.task)?.steps.find((s) => s.from < shutdown && inStep(b, s) && acrossStep(a, s));
}

function windowOf(model: Model, u: Unit): TimeWindow {
  const r = unitRef(model, u);
  return { fromMs: r.fromMs, toMs: r.toMs ?? r.fromMs, label: `${u.name} in flight` };
}

export function overlap(ctx: Ctx, model: Model, run: RunRecord, names: string[]): CheckOutcome {
  const [an, bn] = names as [string, string];
  const threads = threadPrints(run.trace);
  const causes: StructureCause[] = [];
  const lines = [];
  const main = cancelledByMainReturn(model);
  const cancelled = (label: string) => main?.kind === 'main-returned' && main.cancelled.some((c) => c.label === label);
  for (const n of names) {
    const units = model.units.filter((u) => u.name === n);
    const printed = printedBy(run.trace, model, n);
    const created = [...model.tasks.values()].find((t) => t.name === n);
    // A task asyncio.run cancelled before it printed anything: main's early return is the cause.
    if (printed.length === 0 && created && cancelled(created.label)) causes.push(main!);
    else if (units.length === 0) causes.push({ kind: 'never-ran', name: n, ...(created ? { createdAs: taskRef(created, created.id) } : {}), threads });
    else if (printed.length === 0) causes.push({ kind: 'silent', unit: unitRef(model, units[0]!), threads });
    else lines.push(ref(run.trace, printed[0]!, 'context', `printed by ${n}`));
  }
  if (causes.length > 0) return failed(ctx, 'missing', renderOverlapFail(names, dedupe(causes)), 0, lines);

  const as = model.units.filter((u) => u.name === an);
  const bs = model.units.filter((u) => u.name === bn);
  let best: { a: Unit; b: Unit; aw: boolean; bw: boolean } | undefined;
  for (const a of as) {
    for (const b of bs) {
      const s1 = progressWhileSuspended(model, a, b);
      const s2 = progressWhileSuspended(model, b, a);
      if (s1 && s2) {
        const at = (s: Step) => model.events[s.from]!.tMs;
        return passed(ctx, renderOverlapPass(unitRef(model, a), unitRef(model, b), at(s1), at(s2)), lines, [windowOf(model, a), windowOf(model, b)]);
      }
      if (!best) best = { a, b, aw: !!s1, bw: !!s2 };
    }
  }
  const { a, b, aw, bw } = best!;
  return failed(ctx, 'violated', renderOverlapFail(names, [whyApart(model, a, b, aw, bw)]), 0, lines, [windowOf(model, a), windowOf(model, b)]);
}

function dedupe(causes: StructureCause[]): StructureCause[] {
  return causes.filter((c, i) => c.kind !== 'main-returned' || causes.findIndex((d) => d.kind === 'main-returned') === i);
}
