/**
 * Blocking of the event loop as the parent sees it in the program's Python stack (witness.ts),
 * not as the tracer reports it: a loop thread whose stack has the program's own code above
 * asyncio's `BaseEventLoop._run_once` is inside a task step, not waiting in the selector.
 *
 * - Virtual clock: a jump requested from inside a step is a wait that blocks the loop (time.sleep
 *   in a coroutine, an Event.wait…): it lasts exactly the virtual time granted.
 * - Real clock: the main thread sampled inside steps of the same coroutine for a stretch (every
 *   25 ms), counting the time it slept there (block-sampler.ts).
 *
 * These join the tracer's own `blocking` events, so `max_blocking` holds even when a program
 * silences the tracer's report of them.
 */

import type { TaskEvent } from '../../trace/types.js';
import type { PyFrame } from '../pystack/index.js';

/** A stretch shorter than this is not reported (the tracer's own threshold for a CPU-bound step). */
export const MIN_BLOCK_MS = 100;

export interface LoopStep {
  /** The step's outermost frame of the program's own code (its task's coroutine, usually). */
  sig: string;
  /** The innermost coroutine (else function) of the program's on the stack. */
  name: string;
}

export interface ParentBlock {
  atMs: number;
  durationMs: number;
  name: string;
  how: 'waited';
}

/** A frame of the program's own code: a real file outside the interpreter's and the tracer's directories. */
export function ownFrame(f: PyFrame, roots: string[]): boolean {
  return !!f.file && !f.file.startsWith('<') && !roots.some((r) => f.file.startsWith(r));
}

/** The program's code running inside an event-loop step on this stack, or null (idle, or no loop). */
export function stepOf(frames: PyFrame[], aio: string, roots: string[]): LoopStep | null {
  const k = frames.findIndex((f) => f.name === '_run_once' && f.file === `${aio}base_events.py`);
  if (k <= 0) return null;
  const own = (f: PyFrame) => ownFrame(f, roots);
  let outer = -1;
  let coro = -1;
  let inner = -1;
  for (let i = 0; i < k; i++) {
    if (!own(frames[i]!)) continue;
    if (inner < 0) inner = i;
    if (coro < 0 && frames[i]!.flags & 0x80) coro = i;
    outer = i;
  }
  if (outer < 0) return null;
  return { sig: frames[outer]!.code, name: frames[coro >= 0 ? coro : inner]!.name };
}

/** Parent-seen blocks not already reported by the tracer, as task events (task 0: no task known). */
export function blockEvents(blocks: ParentBlock[], claimed: TaskEvent[]): TaskEvent[] {
  const out: TaskEvent[] = [];
  for (const b of blocks) {
    // The tracer's own reports inside the stretch (one per time.sleep) cover most of it.
    const inside = claimed.filter((e) => e.kind === 'blocking' && e.tMs >= b.atMs - 50 && e.tMs <= b.atMs + b.durationMs + 50);
    const covered = inside.reduce((sum, e) => sum + (e.durationMs ?? 0), 0) >= b.durationMs * 0.8;
    if (covered) continue;
    const d = Math.round(b.durationMs);
    const detail = `${b.name}() waited ${d} ms inside a task step without awaiting (a blocking call, seen by the parent in the program's stack)`;
    out.push({ tMs: b.atMs, kind: 'blocking', task: 0, name: b.name, detail, durationMs: Math.round(b.durationMs * 1000) / 1000 });
  }
  return out;
}
