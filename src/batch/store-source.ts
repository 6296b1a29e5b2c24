/**
 * The results of a batch as a report source (src/report/source.ts): `grade` keeps, per
 * submission, its summary, its digest and the hash of its stored file, and the reports read
 * each full result again from `<out>/.tracegrade/results/` one at a time. A result that could
 * not be stored (a full disk) stays whole in memory, so nothing graded is lost.
 */

import { readFile } from 'node:fs/promises';
import type { SubmissionResult } from '../score/types.js';
import { submissionDigest } from '../report/output-key.js';
import { relieve } from '../report/heap.js';
import type { ResultSource } from '../report/source.js';
import { assembleResults, compareResults } from './results.js';
import { resultPath, textHash, type StoredResult } from './store.js';
import type { Job, Shard } from './types.js';

/** One graded submission as the batch keeps it. */
export interface Graded {
  job: Job;
  summary: SubmissionResult;
  digest: string;
  /** The textHash of its stored file; absent when it is not stored. */
  sha?: string;
  /** The full result, kept when it is not stored (or when the caller keeps every result). */
  full?: SubmissionResult;
}

/**
 * What the batch keeps of `result`: everything when `keep` or when it has no stored file.
 * `stored` is what writing or reading its file gave (store.ts: the file's hash, the digest);
 * `summarize` is the batch's summarizer (report/source.ts).
 */
export function graded(
  job: Job,
  result: SubmissionResult,
  stored: { sha: string; digest: string } | undefined,
  keep: boolean,
  summarize: (s: SubmissionResult) => SubmissionResult,
): Graded {
  const g: Graded = { job, summary: summarize(result), digest: stored?.digest ?? submissionDigest(result) };
  if (stored) g.sha = stored.sha;
  if (keep || !stored) g.full = result;
  return g;
}

/** The result stored for `g`, checked to be the very file written or read when it was graded. */
async function loadStored(outDir: string, g: Graded): Promise<SubmissionResult> {
  const file = resultPath(outDir, g.job.spec.name, g.job.id);
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new Error(`${file}: the stored result of ${g.job.spec.name}/${g.job.id} cannot be read again for the reports (${(err as NodeJS.ErrnoException).code ?? String(err)}); run the same command with --resume`);
  });
  if (textHash(text) !== g.sha) {
    throw new Error(`${file}: the stored result of ${g.job.spec.name}/${g.job.id} changed while the reports were written; run the same command with --resume`);
  }
  return (JSON.parse(text) as StoredResult).result;
}

/** The batch's results in plan order, as `assembleResults` orders them, with its header. */
export function storeSource(outDir: string, entries: Graded[], info: { jobs?: number; shard?: Shard } = {}): ResultSource {
  const sorted = [...entries].sort((a, b) => compareResults(a.summary, b.summary));
  const results = assembleResults(sorted.map((g) => g.summary), info);
  return {
    results,
    digests: sorted.map((g) => g.digest),
    load: (i) => {
      const g = sorted[i]!;
      if (!g.full) relieve();
      return g.full ? Promise.resolve(g.full) : loadStored(outDir, g);
    },
  };
}
