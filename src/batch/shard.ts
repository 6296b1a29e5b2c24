/**
 * `--shard i/n`: job k (0-based, in the deterministic plan order) belongs to shard (k mod n) + 1.
 * Index modulo, rather than a hash, gives shards whose sizes differ by at most one and
 * interleaves specs, so each CI runner gets a similar mix of slow and fast programs.
 * Every runner must plan from the same checkout (same specs and submissions).
 */

import type { Shard } from './types.js';

export class ShardError extends Error {
  override name = 'ShardError';
}

/** Parse "2/4" (1-based index / count). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardError(`--shard expects i/n, e.g. --shard 1/4 (got "${text}")`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard ${text}: the index must be between 1 and the count (e.g. 1/${Math.max(count, 1)})`);
  }
  return { index, count };
}

/** The jobs of one shard, in their original order. */
export function shardJobs<T>(jobs: readonly T[], shard?: Shard): T[] {
  if (!shard || shard.count === 1) return [...jobs];
  return jobs.filter((_, k) => k % shard.count === shard.index - 1);
}
