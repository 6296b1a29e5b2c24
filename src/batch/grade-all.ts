/**
 * Grade a batch: shard, reuse stored results (--resume), grade the rest in a bounded pool,
 * store each result atomically as it finishes, assemble the final results deterministically.
 */

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import type { BatchOptions, GradeEvents, Job } from './types.js';
import { realEngine, type Engine } from './engine.js';
import { effectiveClock, effectiveSpec, gradeOne, INTERRUPTED, plannedRuns } from './grade-one.js';
import { WarmPool, warmDepth, warmPoolEnabled } from './warm-pool.js';
import { cores, defaultJobs, runPool } from './pool.js';
import { ScorePool, type Scored } from './score-pool.js';
import { shardJobs } from './shard.js';
import { writeReason } from '../report/atomic.js';
import { storeSecret } from './seal.js';
import { readReusable, storeKeys } from './reuse.js';
import { resultPath, writeStored } from './store.js';
import { graded, storeSource, type Graded } from './store-source.js';
import { summarizer, wholeResults, type ResultSource } from '../report/source.js';
import { chooseSandbox, isRoot } from '../run/sandbox/index.js';

/** Parallelism for a batch: virtual-clock batches use every core; any real-clock job limits it. */
export function jobsFor(jobs: readonly Job[], opts: Pick<BatchOptions, 'jobs' | 'clock'>): number {
  if (opts.jobs !== undefined) return Math.max(1, Math.floor(opts.jobs));
  const allVirtual = jobs.length > 0 && jobs.every((j) => effectiveClock(j.spec, opts.clock) === 'virtual');
  return defaultJobs(allVirtual ? 'virtual' : 'real');
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A progress listener must never stop grading.
  }
}

/**
 * Grade `jobs` (the full plan; `opts.shard` selects a slice). Never throws for submission
 * problems; the returned results hold one entry per job of the slice (fewer only if aborted).
 * Every result in memory: for a class, `gradeBatch` keeps only summaries.
 */
export async function gradeAll(jobs: readonly Job[], opts: BatchOptions, events: GradeEvents = {}, engine?: Engine): Promise<GradeResults> {
  return wholeResults(await gradeBatch(jobs, opts, events, engine, true));
}

/**
 * `gradeAll` as a report source (src/report/source.ts): per submission a summary in memory, the
 * full result in its stored file (read again by the reports), unless `keep` or not stored.
 * Reused results reach `events.onResult` as their summaries unless `keep`.
 */
export async function gradeBatch(
  jobs: readonly Job[],
  opts: BatchOptions,
  events: GradeEvents = {},
  engine?: Engine,
  keep = false,
): Promise<ResultSource> {
  const outDir = resolve(opts.outDir);
  const mine = shardJobs(jobs, opts.shard);
  // From the whole plan, so every shard picks what a single full run would.
  const concurrency = jobsFor(jobs, opts);
  const { jobs: _j, outDir: _o, resume: _r, shard: _s, sealKey, ...gradeOpts } = opts;

  const keys = await storeKeys(mine, gradeOpts, opts.signal);
  // Where a run can write --out (none; rlimit as the harness's own user), a later run could
  // rewrite an earlier one's stored file before the reports read it again: keep the results.
  if (!keep && !engine && (await storeWithinReach(opts))) keep = true;

  // No key on disk (a full disk, a read-only folder): seal with a one-off key; this run's stored
  // results then fail verification next time and are graded again, which is safe.
  const secret = await storeSecret(outDir, sealKey).catch((err: unknown) => {
    safely(() => events.onWarning?.(`could not keep the key that seals stored results (${writeReason(err)}): --resume will grade this run's results again`));
    return randomBytes(32);
  });
  // Per job, what is kept of its result (store-source.ts): a summary, or all of it.
  const results: Array<Graded | undefined> = new Array(mine.length).fill(undefined);
  const summarize = summarizer();
  if (opts.resume) {
    await readReusable(outDir, mine, keys, secret, (i, found) => {
      const job = mine[i]!;
      if (found && 'tampered' in found) {
        safely(() => events.onWarning?.(`the stored result of ${job.spec.name}/${job.id} (${found.tampered}) fails verification: it was changed after tracegrade wrote it; grading it again`));
      } else if (found) results[i] = graded(job, found.result, found, keep, summarize);
    });
  }
  const todo = mine.map((_, i) => i).filter((i) => !results[i]);
  const reused = mine.length - todo.length;
  safely(() => events.onPlan?.({ total: mine.length, reused, toGrade: todo.length, jobs: concurrency }));

  const unstored: number[] = [];
  let done = 0;
  for (let i = 0; i < mine.length; i++) {
    const r = results[i];
    if (r) safely(() => events.onResult?.(mine[i]!, r.full ?? r.summary, { reused: true, done: ++done, total: mine.length }));
  }

  // Lines are stamped on this thread's event loop: while other runs are in flight, scoring and
  // serialising (100-200 ms for a long trace) happen in worker threads. An injected engine scores itself.
  const scorer = !engine && concurrency > 1 && todo.length > 1 ? new ScorePool(Math.min(concurrency, cores())) : undefined;
  // The next run of each lane starts its sandbox while this one runs (warm-pool.ts).
  const planned = engine ? [] : todo.map((i) => plannedRuns(effectiveSpec(mine[i]!.spec, gradeOpts), resolve(mine[i]!.submission), gradeOpts).map((r) => r.req));
  const anyRealClock = planned.some((runs) => runs.some((r) => r.spec.run.clock !== 'virtual'));
  const warm = !engine && warmPoolEnabled({ anyRealClock, jobs: concurrency, cores: cores() }) ? new WarmPool(planned, warmDepth({ anyRealClock, jobs: concurrency })) : undefined;
  // A result's file is written while the lane's next run goes: its fsync is the disk's wait, not
  // this thread's (what runs here afterwards is hashing the text made before). All are awaited below.
  const storing: Promise<void>[] = [];
  try {
    await runPool(
      todo,
      concurrency,
      async (i, slot) => {
        const job = mine[i]!;
        safely(() => events.onStart?.(job));
        let scored: Scored | undefined;
        const run: Engine['run'] = warm ? (req) => warm.run(slot, req.runIndex, req) : realEngine.run;
        const eng: Engine | undefined = engine ?? {
          run,
          score: scorer ? async (spec, runs, meta) => (scored = await scorer.score(spec, runs, meta, { key: keys[i]!, secret })).result : realEngine.score,
        };
        const result = await gradeOne(job.spec, job.submission, { ...gradeOpts, id: job.id }, eng).finally(() => warm?.finished(slot));
        // Cut short between repeats by an abort: not a verdict, so --resume must grade it again.
        if (result.error === INTERRUPTED) return;
        // Held by this closure until its file is written (a full disk must not lose a graded
        // result). Nothing heavy on this thread meanwhile: a result's digest is the store's hash
        // of the text already made, computed here only for a result that could not be stored.
        const made = scored?.result === result ? scored.stored : undefined;
        storing.push(
          writeStored(outDir, job, keys[i]!, result, secret, made)
            .then(
              (stored) => void (results[i] = graded(job, result, stored, keep, summarize)),
              () => {
                results[i] = graded(job, result, undefined, true, summarize);
                unstored.push(i);
              },
            )
            .then(() => safely(() => events.onResult?.(job, result, { reused: false, done: ++done, total: mine.length }))),
        );
      },
      opts.signal ? { signal: opts.signal } : {},
    );
  } finally {
    await Promise.all([scorer?.close(), warm?.close(), ...storing]);
  }

  // Retry once at the end (the runs' temp dirs are gone by then, which may have freed the disk).
  for (const i of unstored) {
    const job = mine[i]!;
    const result = results[i]!.full!;
    await writeStored(outDir, job, keys[i]!, result, secret).then(
      (stored) => (results[i] = graded(job, result, stored, keep, summarize)),
      (err: unknown) => safely(() => events.onStoreFailure?.(job, resultPath(outDir, job.spec.name, job.id), writeReason(err))),
    );
  }

  const final = storeSource(outDir, results.filter((r): r is Graded => r !== undefined), { jobs: concurrency, ...(opts.shard ? { shard: opts.shard } : {}) });
  safely(() => events.onFinish?.(final.results));
  return final;
}

/** Whether this batch's runs can reach the store: the levels that do not keep a run out of --out. */
async function storeWithinReach(opts: BatchOptions): Promise<boolean> {
  const level = opts.sandbox && opts.sandbox !== 'auto' ? opts.sandbox : (await chooseSandbox('auto').catch(() => ({ level: 'none' as const }))).level;
  return level === 'none' || (level === 'rlimit' && !isRoot());
}
