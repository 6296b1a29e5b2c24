/**
 * Before grading: every job's store key, and with --resume the stored results that are still
 * valid. A few jobs at a time: each is a handful of small file reads whose wait, one after the
 * other, made most of a finished `grade --resume`'s time (1,000 submissions: 1.6 s, 1.0 s of it
 * waiting). At most AT_ONCE submissions are hashed or read at once, so memory stays bounded
 * (a file over 4 MiB is hashed by size, hash-tree.ts; a stored result holds one capped trace).
 */

import { relieve } from '../report/heap.js';
import type { Spec } from '../spec/types.js';
import { readStored, storeKey, type StoreKey } from './store.js';
import type { GradeOptions, Job } from './types.js';

const AT_ONCE = 8;

/** `fn` over 0..n-1, AT_ONCE at a time, in order; stops (returning the prefix done) when `fn` gives undefined. */
async function inOrder<T>(n: number, fn: (i: number) => Promise<T | undefined>): Promise<T[]> {
  const out: T[] = [];
  for (let at = 0; at < n; at += AT_ONCE) {
    const batch = await Promise.all(Array.from({ length: Math.min(AT_ONCE, n - at) }, (_, k) => fn(at + k)));
    for (const x of batch) {
      if (x === undefined) return out;
      out.push(x);
    }
  }
  return out;
}

/** The key of each job, in order; fewer when `signal` aborts (nothing is graded after it). */
export async function storeKeys(jobs: readonly Job[], opts: GradeOptions, signal?: AbortSignal): Promise<StoreKey[]> {
  const specCache = new Map<Spec, Promise<string>>();
  return inOrder(jobs.length, async (i) => {
    if (signal?.aborted) return undefined;
    // Bounded like the copy; an interrupt stops the hashing too.
    return storeKey(jobs[i]!, opts, specCache, signal).catch((e: unknown) => {
      if (signal?.aborted) return undefined;
      throw e;
    });
  });
}

/** What `readStored` found for a job (store.ts). */
export type Reused = Awaited<ReturnType<typeof readStored>>;

/**
 * With --resume: each job's stored result (sealed and still matching), a tampered file, or
 * null, handed to `use` in order as each few are read, so only those few are whole at once.
 */
export async function readReusable(outDir: string, jobs: readonly Job[], keys: StoreKey[], secret: Buffer, use: (i: number, found: Reused) => void): Promise<void> {
  for (let at = 0; at < keys.length; at += AT_ONCE) {
    relieve(); // each read leaves a whole trace's text and objects behind (report/heap.ts)
    const ids = Array.from({ length: Math.min(AT_ONCE, keys.length - at) }, (_, k) => at + k);
    const found = await Promise.all(ids.map((i) => readStored(outDir, jobs[i]!, keys[i]!, secret)));
    ids.forEach((i, k) => use(i, found[k]!));
  }
}
