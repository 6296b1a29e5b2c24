/**
 * `tracegrade merge`: combine the results.json of every shard into the results of the full
 * run — identical to what one machine grading everything would have written (same order,
 * same createdAt rule), given the same per-submission results.
 */

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import { openResultsFile, parseResultsText, ResultsFileError, unreadable } from '../report/results-file.js';
import { pickedSource, type ResultSource } from '../report/source.js';
import { assembleResults, compareResults } from './results.js';

export class MergeError extends Error {
  override name = 'MergeError';
}

export interface MergeOptions {
  /** Merge even when some shards of an n-way split are missing (default: error). */
  allowIncomplete?: boolean;
}

/** A shard given as its results.json or as the folder holding it. */
const resultsFileOf = (path: string): string => (statSync(path, { throwIfNoEntry: false })?.isDirectory() ? join(path, 'results.json') : path);

/** A shard's results, read whole (the in-memory merge); its problems in merge's words. */
function readResults(path: string): GradeResults {
  const file = resultsFileOf(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw mergeError(unreadable(file, err));
  }
  try {
    return parseResultsText(file, text);
  } catch (err) {
    throw err instanceof ResultsFileError ? mergeError(err) : err;
  }
}

/** Every shard of one split is there (unless allowed otherwise). */
function checkSplit(inputs: Array<{ results: Pick<GradeResults, 'shard'> }>, opts: MergeOptions): void {
  const counts = new Set(inputs.map((i) => i.results.shard?.count ?? 1));
  if (counts.size > 1) {
    throw new MergeError(`the files come from different splits (${[...counts].map((c) => `${c} shards`).join(' and ')}) — merge the shards of one run`);
  }
  const count = [...counts][0]!;
  if (count > 1 && !opts.allowIncomplete) {
    const have = new Set(inputs.map((i) => i.results.shard!.index));
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !have.has(k));
    if (missing.length) {
      throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing — pass every shard's results.json`);
    }
  }
}

/**
 * Each (spec, id) once, in plan order: a repeat must be the same result (the same file given
 * twice), told by `same(a, b)`; `at(x)` is the result a pick stands for.
 */
function pickOnce<T>(inputs: Array<{ file: string; picks: T[] }>, at: (x: T) => SubmissionResult, same: (a: T, b: T) => boolean): T[] {
  const byKey = new Map<string, { file: string; pick: T }>();
  for (const { file, picks } of inputs) {
    for (const x of picks) {
      const s = at(x);
      const key = `${s.spec}\0${s.id}`;
      const prev = byKey.get(key);
      if (prev) {
        if (same(prev.pick, x)) continue;
        throw new MergeError(`submission "${s.id}" of spec "${s.spec}" is in both ${prev.file} and ${file} with different results — were the shards planned from different checkouts?`);
      }
      byKey.set(key, { file, pick: x });
    }
  }
  return [...byKey.values()].map((v) => v.pick).sort((a, b) => compareResults(at(a), at(b)));
}

const jobsOf = (inputs: Array<{ results: Pick<GradeResults, 'jobs'> }>) => {
  const used = inputs.map((i) => i.results.jobs).filter((j): j is number => typeof j === 'number');
  return used.length ? { jobs: Math.max(...used) } : {};
};

/** Merge shard results files (or folders holding results.json), all in memory. Throws MergeError with the file at fault. */
export function merge(resultsFiles: string[], opts: MergeOptions = {}): GradeResults {
  if (resultsFiles.length === 0) throw new MergeError('nothing to merge: give one results.json per shard');
  const inputs = resultsFiles.map((f) => ({ file: f, results: readResults(f) }));
  checkSplit(inputs, opts);
  // A repeat is compared in full only when it occurs (no second copy of every result as text).
  const picked = pickOnce(inputs.map((i) => ({ file: i.file, picks: i.results.submissions })), (s) => s, (a, b) => JSON.stringify(a) === JSON.stringify(b));
  return assembleResults(picked, jobsOf(inputs));
}

/**
 * The same merge, streamed (`tracegrade merge`): each shard is a source (a summary per
 * submission, its full result read again when written); repeats are compared by digest.
 * Close the result when done: it closes every shard.
 */
export async function mergeSources(resultsFiles: string[], opts: MergeOptions = {}): Promise<ResultSource> {
  if (resultsFiles.length === 0) throw new MergeError('nothing to merge: give one results.json per shard');
  const inputs: Array<{ file: string; results: GradeResults; source: ResultSource }> = [];
  const closeAll = async () => {
    for (const i of inputs) await i.source.close?.();
  };
  try {
    for (const path of resultsFiles) {
      const file = resultsFileOf(path);
      const source = await openResultsFile(file).catch((err: unknown) => {
        throw err instanceof ResultsFileError ? mergeError(err) : err;
      });
      inputs.push({ file, results: source.results, source });
    }
    checkSplit(inputs, opts);
    const picks = pickOnce(
      inputs.map((i) => ({ file: i.file, picks: i.results.submissions.map((_, index) => ({ from: i.source, index })) })),
      (p) => p.from.results.submissions[p.index]!,
      (a, b) => a.from.digests[a.index] === b.from.digests[b.index],
    );
    const { submissions: _s, ...header } = assembleResults(picks.map((p) => p.from.results.submissions[p.index]!), jobsOf(inputs));
    return pickedSource(header, picks, closeAll);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** A results file's problem in merge's words (which shard, what to give instead). */
function mergeError(err: ResultsFileError): MergeError {
  const f = err.file;
  switch (err.problem) {
    case 'unreadable':
      return new MergeError(`cannot read ${f} — give the results.json written by each shard (or the folder holding it)`);
    case 'json':
      return new MergeError(`${f} is not valid JSON (${err.detail})`);
    case 'shape':
      return new MergeError(`${f} is not a tracegrade results.json (no tool.name "tracegrade" or no submissions[])`);
    default:
      return new MergeError(`${f} has schemaVersion ${err.detail}; this tracegrade reads version 1`);
  }
}
