/**
 * Assembling GradeResults from per-submission results. A pure function of the results (and
 * the parallelism), so a full run, a resumed run and a merge of shards that hold the same
 * per-submission results produce identical files: submissions in plan order, and `createdAt`
 * = the latest `gradedAt` among them (not the time of assembly).
 */

import type { GradeResults, SubmissionResult } from '../score/types.js';
import type { Shard } from './types.js';
import { compareStrings } from './plan.js';
import { toolVersion } from './version.js';

/** Plan order: spec name, submission id, path (code-unit comparison). */
export function compareResults(a: SubmissionResult, b: SubmissionResult): number {
  return compareStrings(a.spec, b.spec) || compareStrings(a.id, b.id) || compareStrings(a.path, b.path);
}

export function assembleResults(
  submissions: SubmissionResult[],
  info: { jobs?: number; shard?: Shard } = {},
): GradeResults {
  const sorted = [...submissions].sort(compareResults);
  const latest = sorted.reduce<string | undefined>((max, s) => (max === undefined || s.gradedAt > max ? s.gradedAt : max), undefined);
  return {
    tool: { name: 'tracegrade', version: toolVersion() },
    schemaVersion: 1,
    createdAt: latest ?? new Date().toISOString(),
    ...(info.jobs !== undefined ? { jobs: info.jobs } : {}),
    ...(info.shard && info.shard.count > 1 ? { shard: { index: info.shard.index, count: info.shard.count } } : {}),
    submissions: sorted,
  };
}
