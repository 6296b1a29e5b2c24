/**
 * A bounded pool: at most `concurrency` workers in flight, items started in order.
 * Results come back in item order whatever the finishing order.
 */

import { availableParallelism } from 'node:os';

export interface PoolOptions {
  /** Stop starting new items once aborted; items in flight finish (their worker sees the signal). */
  signal?: AbortSignal;
}

/** Run `worker` over `items`, at most `concurrency` at once. Entries for items never started are undefined. */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
  opts: PoolOptions = {},
): Promise<Array<R | undefined>> {
  const n = Math.max(1, Math.floor(concurrency));
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length && !opts.signal?.aborted) {
      const i = next++;
      results[i] = await worker(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, () => lane()));
  return results;
}

export function cores(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Default parallelism. Virtual-clock runs do not depend on wall time: use every core.
 * Real-clock runs mostly sleep, but every line's timestamp depends on the child being
 * scheduled promptly; see docs/batch.md for the measurements behind this choice.
 */
export function defaultJobs(clock: 'real' | 'virtual', coreCount = cores()): number {
  if (clock === 'virtual') return coreCount;
  return REAL_CLOCK_JOBS_PER_CORE * coreCount;
}

/** Measured on a 2-core machine (docs/batch.md): concurrent sleep-bound runs per core that keep verdicts stable. */
export const REAL_CLOCK_JOBS_PER_CORE = 1;
