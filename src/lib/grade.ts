/**
 * `check` (judge a recorded run against a spec) and `grade` (run and score a submission, as
 * `tracegrade grade` does for each one), plus the scoring of records the Jest matchers share.
 */

import { basename, resolve } from 'node:path';
import { gradeOne, submissionId } from '../batch/grade-one.js';
import type { GradeOptions } from '../batch/types.js';
import { evaluateChecks, type CheckOutcome } from '../check/index.js';
import { scoreSubmission, type SubmissionResult } from '../score/index.js';
import type { Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { toSpec } from './spec.js';

/** One record, or (for a spec with named runs) one record per named run. */
export type Recorded = RunRecord | RunRecord[];

/**
 * Evaluate every check of a spec against a recorded run, in spec order (a check whose
 * `requires` did not pass is skipped, saying which). No points: see {@link grade} for scores.
 *
 * @param spec - A spec file path or a loaded spec.
 * @param recorded - A {@link RunRecord} (or a promise of one, such as {@link run}'s); for a
 *   spec with named runs, the records of its runs (matched by `name`).
 * @returns One outcome per check: `status`, a one-paragraph `message` (the explanation the
 *   reports show), and the trace lines it refers to. A record with `error` (the program could
 *   not be started) is judged as an empty trace: {@link grade} scores such a run 0 and says why.
 *
 * @example
 * ```js
 * const outcomes = await check('specs/coroutine-awaited.yaml', run('main.py', { spec: 'specs/coroutine-awaited.yaml' }));
 * for (const o of outcomes) console.log(o.id, o.status, o.message);
 * ```
 */
export async function check(spec: string | Spec, recorded: Recorded | PromiseLike<Recorded>): Promise<CheckOutcome[]> {
  const s = await toSpec(spec);
  const records = await recorded;
  const list = Array.isArray(records) ? records : [records];
  if (!s.runs) return evaluateChecks(s, list[0]!);
  const first = s.runs[0]?.name;
  return evaluateChecks(s, (c) => list.find((r) => r.name === (c.run ?? first)));
}

/**
 * Grade one submission: run it (`run.repeat` times, each named run) and score every check,
 * as `tracegrade grade` does for each submission. Never throws for anything the submission
 * does: a program that cannot be run gives a result with `error` set and score 0.
 *
 * @param spec - A spec file path or a loaded spec.
 * @param submission - A folder or a single program file.
 * @param options - The command line's overrides: `clock`, `repeat`, `timeScale`, `interpreter`, `sandbox`…
 * @throws {@link SpecError} when a spec path does not load.
 *
 * @example
 * ```js
 * const result = await grade('specs/coroutine-awaited.yaml', 'submissions/coroutine-awaited/forgot-await');
 * console.log(`${result.score}/${result.maxScore}`);
 * ```
 */
export async function grade(spec: string | Spec, submission: string, options: GradeOptions = {}): Promise<SubmissionResult> {
  return gradeOne(await toSpec(spec), submission, options);
}

/** Score records already made (a Jest matcher given a finished run) into a result the reports can show. */
export function scoreRecords(spec: Spec, records: Recorded, submission?: string): SubmissionResult {
  const runs = Array.isArray(records) ? records : [records];
  const path = submission !== undefined ? resolve(submission) : '(recorded run)';
  const id = submission !== undefined ? submissionId(path) : basename(path);
  return scoreSubmission(spec, runs, { id, path, gradedAt: new Date().toISOString(), durationMs: 0 });
}
