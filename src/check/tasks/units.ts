/**
 * The units of work of a run: each user coroutine in flight inside a task, from its 'entered'
 * event to its 'left' event (or its task's end). Without those events (an older tracer) a
 * task's own coroutine is its unit, and a coroutine the task was seen suspended in is a unit
 * from there, whose end is unknown (`inferred`).
 */

import type { TaskEvent } from '../../trace/types.js';
import type { TaskNode, Unit } from './model.js';

export function buildUnits(events: TaskEvent[], tasks: Map<number, TaskNode>): Unit[] {
  const units: Unit[] = [];
  const open = new Map<string, Unit[]>();
  const taskEnd = (id: number) => tasks.get(id)?.end ?? events.length;
  const withEntered = new Set(events.filter((e) => e.kind === 'entered').map((e) => e.task));
  events.forEach((e, i) => {
    if (e.kind === 'entered' && e.name) {
      const u: Unit = { name: e.name, task: e.task, from: i, to: taskEnd(e.task), fromMs: e.tMs };
      units.push(u);
      const k = `${e.task}:${e.name}`;
      (open.get(k) ?? open.set(k, []).get(k)!).push(u);
    } else if (e.kind === 'left' && e.name) {
      const u = open.get(`${e.task}:${e.name}`)?.pop();
      if (u) Object.assign(u, { to: i, toMs: e.tMs });
    } else if (e.kind === 'awaited' && e.by === e.task && e.name && !withEntered.has(e.task)) {
      if (!units.some((u) => u.task === e.task && u.name === e.name)) units.push({ name: e.name, task: e.task, from: i, to: taskEnd(e.task), fromMs: e.tMs, inferred: true });
    }
  });
  for (const t of tasks.values()) {
    const first = t.steps[0];
    if (!first || withEntered.has(t.id)) continue;
    const u: Unit = { name: t.name, task: t.id, from: first.from, to: t.end ?? events.length, fromMs: events[first.from]!.tMs };
    if (t.endMs !== undefined) u.toMs = t.endMs;
    units.push(u);
  }
  return units;
}
