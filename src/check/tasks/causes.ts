/**
 * Why two units of work did not overlap, from the order model: main returned and asyncio.run
 * cancelled them, a blocking call kept one from ever waiting, they ran one after another (in
 * one task, or one task awaited before the other started), or one never waited while the
 * other was in flight. Evidence only; explain/structure.ts words it.
 */

import type { TaskEvent } from '../../trace/types.js';
import type { Block, StructureCause } from '../explain/evidence.js';
import { taskRef, unitRef } from './lines.js';
import { isJs, returnedMain, type Model, type TaskNode, type Unit } from './model.js';

/** Tasks asyncio.run cancelled because main returned while they were pending. */
export function cancelledByMainReturn(model: Model): StructureCause | undefined {
  const main = returnedMain(model);
  if (!main) return undefined;
  const cancelled = [...model.tasks.values()].filter((t) => t !== main && t.endKind === 'cancelled' && (t.end ?? 0) >= main.end!);
  if (cancelled.length === 0) return undefined;
  const atMs = main.endMs ?? model.events[main.end!]?.tMs ?? 0;
  return { kind: 'main-returned', main: taskRef(main, main.id), atMs, cancelled: cancelled.map((t) => taskRef(t, t.id)) };
}

/**
 * The longest blocking event inside unit `u`'s own steps, or in a task u's task was waiting for
 * (Node: a helper async function it awaited), positioned in [from, to).
 */
function blockIn(model: Model, u: Unit, from: number, to: number): Block | undefined {
  let best: TaskEvent | undefined;
  const joined = new Set(model.tasks.get(u.task)?.joins.map((j) => j.target) ?? []);
  model.events.forEach((e, i) => {
    if (e.kind !== 'blocking' || i < Math.max(from, u.from) || i > Math.min(to, u.to)) return;
    if (e.task !== u.task && !joined.has(e.task)) return;
    if (e.task === u.task && e.name !== undefined && e.name !== u.name) return;
    if (!best || (e.durationMs ?? 0) > (best.durationMs ?? 0)) best = e;
  });
  if (!best) return undefined;
  return { name: best.name ?? u.name, detail: best.detail ?? 'a blocking call', atMs: best.tMs, durationMs: best.durationMs ?? 0, ...(best.site ? { site: best.site } : {}) };
}

/** Whether u's task was suspended at some point while u was in flight within [from, to]. */
function everSuspended(model: Model, u: Unit, from: number, to: number): boolean {
  const t: TaskNode | undefined = model.tasks.get(u.task);
  return !!t && t.steps.some((s) => s.to > Math.max(u.from, from) && s.to < Math.min(u.to, to));
}

/** The cause for the pair (a, b), given which directions of overlap held. */
export function whyApart(model: Model, a: Unit, b: Unit, aWaited: boolean, bWaited: boolean): StructureCause {
  const main = cancelledByMainReturn(model);
  const hosts = new Set([a.task, b.task].map((id) => taskRef(model.tasks.get(id), id).label));
  if (main?.kind === 'main-returned' && main.cancelled.some((t) => hosts.has(t.label))) return main;
  const [first, second] = a.from <= b.from ? [a, b] : [b, a];
  const js = isJs(model) ? { js: true } : {};
  if (a.task === b.task || (first.to <= second.from && !first.inferred)) {
    const blk = everSuspended(model, first, first.from, first.to) ? undefined : blockIn(model, first, first.from, first.to);
    if (blk && a.task !== b.task) return { kind: 'blocked', block: blk, by: unitRef(model, first), other: unitRef(model, second), ...js };
    return { kind: 'sequential', first: unitRef(model, first), second: unitRef(model, second), sameTask: a.task === b.task, ...js };
  }
  // Both in flight at once: the one that never waited while the other was in flight is busy.
  if (a.inferred || b.inferred) return { kind: 'apart', a: unitRef(model, a), b: unitRef(model, b) };
  const busy = !aWaited ? a : b;
  const other = busy === a ? b : a;
  const lo = Math.max(busy.from, other.from);
  const hi = Math.min(busy.to, other.to);
  const blk = blockIn(model, busy, lo, hi);
  if (blk) return { kind: 'blocked', block: blk, by: unitRef(model, busy), other: unitRef(model, other), ...js };
  return { kind: 'never-suspended', busy: unitRef(model, busy), other: unitRef(model, other) };
}
