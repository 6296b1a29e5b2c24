/**
 * The order model of a run's asyncio tasks, from the tracer's events (issue 10). Positions are
 * indices into the event array, which is in the order things happened: no verdict depends on
 * how many milliseconds lay between two events, so a fast and a slow machine, or the real and
 * the virtual clock, give the same model for the same program.
 *
 * A *step* of a task runs from its 'started'/'resumed' event to its 'suspended'/'done'/
 * 'cancelled' event, or to the start of the next step of any task (one loop runs one step at a
 * time, and 'done' may be reported later, from a done callback). A *unit* is a user coroutine
 * in flight inside a task, from 'entered' to 'left' (or its task's end). Without entered/left
 * events (an older tracer) a task's own coroutine is its unit, and a coroutine it was seen
 * suspended in ('awaited' by itself) a nested unit from there to the task's end. A task that
 * starts inside its creator's step (Node: an async function call) holds the creator until it
 * suspends, like a join.
 */

import type { TaskEvent } from '../../trace/types.js';
import { buildUnits } from './units.js';

export interface Step {
  task: number;
  from: number;
  to: number;
}

export interface TaskNode {
  id: number;
  name: string;
  /** "Task-2" when known. */
  label: string;
  via?: string;
  by?: number;
  createdMs?: number;
  steps: Step[];
  /** Position after its last step (its end), when it ended. */
  end?: number;
  endKind?: 'done' | 'cancelled';
  endMs?: number;
  /** Detail of its end ("raised ValueError"). */
  endDetail?: string;
  /** Positions at which it began waiting for another task (await task, gather, wait…). */
  joins: { at: number; target: number }[];
  awaitedBy: number[];
}

export interface Unit {
  name: string;
  task: number;
  from: number;
  to: number;
  fromMs: number;
  toMs?: number;
  /** Known only from an older tracer's "suspended inside it" record: where it ended is unknown. */
  inferred?: boolean;
}

export interface Model {
  events: TaskEvent[];
  tasks: Map<number, TaskNode>;
  steps: Step[];
  units: Unit[];
}

export function buildModel(events: TaskEvent[]): Model {
  const tasks = new Map<number, TaskNode>();
  const get = (id: number): TaskNode => {
    let t = tasks.get(id);
    if (!t) tasks.set(id, (t = { id, name: `task ${id}`, label: `task ${id}`, steps: [], joins: [], awaitedBy: [] }));
    return t;
  };
  const steps: Step[] = [];
  let cur: Step | undefined;
  const close = (at: number) => {
    if (cur) cur.to = at;
    cur = undefined;
  };
  events.forEach((e, i) => {
    const t = get(e.task);
    switch (e.kind) {
      case 'created':
        if (e.name) t.name = e.name;
        t.label = e.detail ?? `task ${e.task}`;
        t.via = e.via;
        t.by = e.by;
        t.createdMs = e.tMs;
        break;
      case 'started':
      case 'resumed':
        // A task that starts inside its creator's step (a JavaScript async call, an eager task)
        // runs synchronously up to its first await: the creator waits for it meanwhile.
        if (e.kind === 'started' && t.by !== undefined && cur?.task === t.by && t.by !== e.task) get(t.by).joins.push({ at: i, target: e.task });
        close(i);
        cur = { task: e.task, from: i, to: events.length };
        steps.push(cur);
        t.steps.push(cur);
        break;
      case 'suspended':
        if (cur?.task === e.task) close(i);
        break;
      case 'done':
      case 'cancelled':
        if (cur?.task === e.task) close(i);
        t.endKind = e.kind;
        t.endMs = e.tMs;
        t.endDetail = e.detail;
        break;
      case 'awaited':
        // by === task: a coroutine awaited directly inside the task (not a join).
        // by 0: code outside any task (Node: a .then at the top level), which nothing joins.
        if (e.by === 0) t.awaitedBy.push(0);
        else if (e.by !== undefined && e.by !== e.task) {
          t.awaitedBy.push(e.by);
          get(e.by).joins.push({ at: i, target: e.task });
        }
        break;
      default:
        break;
    }
  });
  for (const t of tasks.values()) {
    const last = t.steps[t.steps.length - 1];
    if (t.endKind) t.end = last ? last.to : events.findIndex((e) => e.task === t.id && e.kind === t.endKind);
  }
  return { events, tasks, steps, units: buildUnits(events, tasks) };
}

/** Whether unit `u` (or a task's span [from, to]) is in flight across the whole step `s`. */
export function acrossStep(span: { from: number; to: number }, s: Step): boolean {
  return span.from < s.from && span.to > s.to;
}

/** Whether step `s` runs while unit `u` is in flight (it made progress in that step). */
export function inStep(u: { from: number; to: number }, s: Step): boolean {
  return s.from < u.to && s.to > u.from;
}

/**
 * asyncio.run's main task, when it returned normally. What runs after its end is asyncio.run's
 * shutdown cancelling the tasks still pending, in the order of a set (memory addresses), so no
 * verdict may count those steps as work.
 */
export function returnedMain(model: Model): TaskNode | undefined {
  return [...model.tasks.values()].find((t) => t.via === 'main' && t.end !== undefined && t.endKind === 'done');
}

/** Where asyncio.run's shutdown begins (main's end), or Infinity: steps from there on are not work. */
export function shutdownAt(model: Model): number {
  return returnedMain(model)?.end ?? Infinity;
}

/** A task's span in positions: from its first step to its end (or the end of the run). */
export function span(t: TaskNode, model: Model): { from: number; to: number } | undefined {
  const first = t.steps[0];
  return first ? { from: first.from, to: t.end ?? model.events.length } : undefined;
}

/**
 * Whether to speak of JavaScript (async calls, the event loop) rather than asyncio: the spec's
 * runtime is node, or the units are async function calls (Node's tracer creates them 'call').
 */
export function isJs(model: Model, runtime?: string): boolean {
  if (runtime === 'node') return true;
  for (const t of model.tasks.values()) if (t.via === 'call') return true;
  return false;
}

export function who(t: TaskNode): string {
  return `${t.name} (${t.label})`;
}
