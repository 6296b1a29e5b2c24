/**
 * Real clock: the parent samples the program's main thread every 25 ms and times each stretch it
 * spends inside an event-loop step of the same coroutine (loop-blocks.ts), counting only the time
 * the thread slept there (/proc/…/schedstat: the stretch less its CPU time and its wait for a CPU).
 * So a loaded machine pausing a correct program is no block, nor is a coroutine that computes in
 * many short steps; a time.sleep or a blocking read inside a step is. A CPU-bound step is left to
 * the tracer's own timing (docs/threat-model.md).
 */

import { readFileSync } from 'node:fs';
import { MIN_BLOCK_MS, type LoopStep, type ParentBlock } from './loop-blocks.js';

export const SAMPLE_MS = 25;

interface Stretch {
  step: LoopStep;
  fromMs: number;
  lastMs: number;
  /** CPU and run-queue time of the thread at the first and the last sample, ms. */
  busy0: number;
  busyLast: number;
}

export class BlockSampler {
  private cur: Stretch | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** What the main thread runs now (null: idle in the selector, or unreadable). */
    private readonly step: () => LoopStep | null,
    private readonly hostPid: () => number | undefined,
    /** Now, in the trace's milliseconds (from the program's start). */
    private readonly now: () => number,
    private readonly out: ParentBlock[],
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.close();
  }

  tick(): void {
    const step = this.step();
    const t = this.now();
    const busy = step ? onCpuOrQueuedMs(this.hostPid()) : undefined;
    const c = this.cur;
    if (c && step && step.sig === c.step.sig && busy !== undefined) {
      c.lastMs = t;
      c.busyLast = busy;
      return;
    }
    this.close();
    if (step && busy !== undefined) this.cur = { step, fromMs: t, lastMs: t, busy0: busy, busyLast: busy };
  }

  private close(): void {
    const c = this.cur;
    this.cur = null;
    if (!c) return;
    const ms = c.lastMs - c.fromMs - Math.max(0, c.busyLast - c.busy0);
    if (ms >= MIN_BLOCK_MS) this.out.push({ atMs: c.fromMs, durationMs: ms, name: c.step.name, how: 'waited' });
  }
}

/** The main thread's time on a CPU plus waiting for one, so far, ms (schedstat's first two fields). */
function onCpuOrQueuedMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const f = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ');
    const ns = Number(f[0]) + Number(f[1]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
