/**
 * Which unit printed which line. A line is a unit's work when the loop thread printed it inside
 * that coroutine (`coro` on the line), or inside a task whose own coroutine it is. Lines a
 * program's threads printed (`thread` ≥ 1) are never a task's work: an idle coroutine named
 * print_numbers cannot take the credit for the numbers a thread prints.
 */

import type { TraceLine } from '../../trace/types.js';
import type { ThreadPrint, UnitRef } from '../explain/evidence.js';
import type { Model, TaskNode, Unit } from './model.js';

function fromThread(l: TraceLine): boolean {
  return l.thread !== undefined && l.thread >= 1;
}

/** Indices of the lines `name` printed. Without `coro` on any line (an older tracer), a line counts for every unit its task hosted. */
export function printedBy(trace: TraceLine[], model: Model, name: string): number[] {
  const coros = trace.some((l) => l.coro !== undefined);
  const out: number[] = [];
  trace.forEach((l, i) => {
    if (fromThread(l)) return;
    if (l.coro === name) return void out.push(i);
    if (l.task === undefined) return;
    if (model.tasks.get(l.task)?.name === name) return void out.push(i);
    if (!coros && model.units.some((u) => u.task === l.task && u.name === name)) out.push(i);
  });
  return out;
}

/** What each of the program's threads printed, by thread number. */
export function threadPrints(trace: TraceLine[]): ThreadPrint[] {
  const by = new Map<number, TraceLine[]>();
  for (const l of trace) if (fromThread(l)) (by.get(l.thread!) ?? by.set(l.thread!, []).get(l.thread!)!).push(l);
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([thread, ls]) => ({ thread, count: ls.length, first: ls[0]!.text, last: ls[ls.length - 1]!.text }));
}

export function taskRef(t: TaskNode | undefined, id: number): { name: string; label: string } {
  return t ? { name: t.name, label: t.label } : { name: `task ${id}`, label: `task ${id}` };
}

export function unitRef(model: Model, u: Unit): UnitRef {
  const r: UnitRef = { name: u.name, task: taskRef(model.tasks.get(u.task), u.task), fromMs: u.fromMs };
  if (u.inferred) r.inferred = true;
  else if (u.toMs !== undefined) r.toMs = u.toMs;
  else {
    const end = model.events[u.to];
    if (end) r.toMs = end.tMs;
  }
  return r;
}
