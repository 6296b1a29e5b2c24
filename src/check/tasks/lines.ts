/**
 * Which unit printed which line. A line is a unit's work when the loop thread printed it inside
 * that coroutine (`coro` on the line, or one of the coroutines it runs inside, `outer`), or inside
 * a task whose own coroutine it is. Lines a
 * program's threads printed (`thread` ≥ 1) are never a task's work: an idle coroutine named
 * print_numbers cannot take the credit for the numbers a thread prints.
 */

import type { TraceLine } from '../../trace/types.js';
import type { LinePrinter, ThreadPrint, UnitRef } from '../explain/evidence.js';
import type { Model, TaskNode, Unit } from './model.js';

function fromThread(l: TraceLine): boolean {
  return l.thread !== undefined && l.thread >= 1;
}

/**
 * The units each line is the work of, by name (empty for a thread's line, an untraced write, or
 * the loop thread outside any task and coroutine). Without `coro` on any line (an older tracer),
 * a line counts for every unit its task hosted.
 */
export function lineUnits(trace: TraceLine[], model: Model): string[][] {
  const coros = trace.some((l) => l.coro !== undefined);
  return trace.map((l) => {
    if (fromThread(l)) return [];
    const out: string[] = [];
    const add = (n: string | undefined) => {
      if (n !== undefined && !out.includes(n)) out.push(n);
    };
    add(l.coro);
    for (const n of l.outer ?? []) add(n);
    if (l.task === undefined) return out;
    add(model.tasks.get(l.task)?.name);
    if (!coros) for (const u of model.units) if (u.task === l.task) add(u.name);
    return out;
  });
}

/** Indices of the lines `name` printed (see lineUnits). */
export function printedBy(trace: TraceLine[], model: Model, name: string): number[] {
  const out: number[] = [];
  lineUnits(trace, model).forEach((names, i) => {
    if (names.includes(name)) out.push(i);
  });
  return out;
}

/** Who printed one line, as the evidence shows it (for "printed by thread 1, not by print_numbers"). */
export function linePrinter(l: TraceLine, names: string[], model: Model): LinePrinter {
  if (fromThread(l)) return { kind: 'thread', thread: l.thread! };
  if (l.unstepped !== undefined) return { kind: 'unstepped', name: l.unstepped };
  if (names.length > 0) {
    const p: LinePrinter = { kind: 'unit', name: l.coro ?? names[0]! };
    if (l.task !== undefined) p.task = taskRef(model.tasks.get(l.task), l.task);
    return p;
  }
  // No record at all: the tracer never saw the write (os.write, a replaced sys.stdout, another
  // process, a forked child). A record without task or coroutine: plain code or a loop callback.
  return l.thread === undefined && l.task === undefined ? { kind: 'untraced' } : { kind: 'loop' };
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
