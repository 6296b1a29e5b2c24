/**
 * `tracegrade merge`: combine the results.json of every shard into the results of the full
 * run — identical to what one machine grading everything would have written (same order,
 * same createdAt rule), given the same per-submission results.
 */

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import { assembleResults } from './results.js';

export class MergeError extends Error {
  override name = 'MergeError';
}

export interface MergeOptions {
  /** Merge even when some shards of an n-way split are missing (default: error). */
  allowIncomplete?: boolean;
}

function readResults(path: string): GradeResults {
  let file = path;
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) file = join(path, 'results.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new MergeError(`cannot read ${file} — give the results.json written by each shard (or the folder holding it)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new MergeError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const r = data as Partial<GradeResults>;
  if (!r || r.tool?.name !== 'tracegrade' || !Array.isArray(r.submissions)) {
    throw new MergeError(`${file} is not a tracegrade results.json (no tool.name "tracegrade" or no submissions[])`);
  }
  if (r.schemaVersion !== 1) {
    throw new MergeError(`${file} has schemaVersion ${String(r.schemaVersion)}; this tracegrade reads version 1`);
  }
  return r as GradeResults;
}

/** Merge shard results files (or folders holding results.json). Throws MergeError with the file at fault. */
export function merge(resultsFiles: string[], opts: MergeOptions = {}): GradeResults {
  if (resultsFiles.length === 0) throw new MergeError('nothing to merge: give one results.json per shard');
  const inputs = resultsFiles.map((f) => ({ file: f, results: readResults(f) }));

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

  // Keyed by spec and id; a repeat is compared in full only when it occurs (no second copy of
  // every result as text: a merge holds the results once).
  const byKey = new Map<string, { file: string; result: SubmissionResult }>();
  for (const { file, results } of inputs) {
    for (const s of results.submissions) {
      const key = `${s.spec}\0${s.id}`;
      const prev = byKey.get(key);
      if (prev) {
        if (JSON.stringify(prev.result) === JSON.stringify(s)) continue; // The same file given twice.
        throw new MergeError(`submission "${s.id}" of spec "${s.spec}" is in both ${prev.file} and ${file} with different results — were the shards planned from different checkouts?`);
      }
      byKey.set(key, { file, result: s });
    }
  }
  const jobsUsed = inputs.map((i) => i.results.jobs).filter((j): j is number => typeof j === 'number');
  return assembleResults(
    [...byKey.values()].map((v) => v.result),
    jobsUsed.length ? { jobs: Math.max(...jobsUsed) } : {},
  );
}
