/** The timeline's task lanes: when each asyncio task ran, and where it blocked the loop. */

import type { TaskEvent } from '../trace/types.js';

export interface TaskLane {
  task: number;
  name: string;
  start: number;
  end: number;
  running: Array<[number, number]>;
  blocking: Array<{ t: number; d: number; detail?: string }>;
}

export function taskLanes(events: TaskEvent[], endMs: number): TaskLane[] {
  const lanes = new Map<number, TaskLane>();
  const runningSince = new Map<number, number>();
  const get = (e: TaskEvent) => {
    let l = lanes.get(e.task);
    if (!l) {
      l = { task: e.task, name: e.name ?? `task ${e.task}`, start: e.tMs, end: endMs, running: [], blocking: [] };
      lanes.set(e.task, l);
    }
    return l;
  };
  for (const e of [...events].sort((a, b) => a.tMs - b.tMs)) {
    const l = get(e);
    if (e.kind === 'created' && e.name) l.name = e.name;
    if (e.kind === 'started' || e.kind === 'resumed') runningSince.set(e.task, e.tMs);
    if (e.kind === 'suspended' || e.kind === 'done' || e.kind === 'cancelled') {
      const since = runningSince.get(e.task);
      if (since !== undefined) l.running.push([since, e.tMs]);
      runningSince.delete(e.task);
      if (e.kind !== 'suspended') l.end = e.tMs;
    }
    if (e.kind === 'blocking') l.blocking.push({ t: e.tMs, d: e.durationMs ?? 0, ...(e.detail ? { detail: e.detail } : {}) });
  }
  for (const [task, since] of runningSince) lanes.get(task)!.running.push([since, lanes.get(task)!.end]);
  return [...lanes.values()].slice(0, 12);
}
