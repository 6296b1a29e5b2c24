/**
 * What a tracegrade matcher is given — a submission path, a {@link RunPromise} from `run`, any
 * promise of a RunRecord, or a record — turned into a scored result, and the failure message:
 * the report `tracegrade check` prints, word for word.
 */

import { gradeOne } from '../batch/grade-one.js';
import type { GradeOptions } from '../batch/types.js';
import { scoreRecords } from '../lib/grade.js';
import { explain } from '../lib/explain.js';
import { RunPromise, run } from '../lib/run.js';
import type { SubmissionResult } from '../score/index.js';
import type { Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';

/** What the matchers accept as `expect(received)`. */
export type Received = string | RunRecord | PromiseLike<RunRecord>;

/** The part of Jest's matcher context the matchers read. */
export interface MatcherContext {
  isNot?: boolean;
}

/** Jest's matcher result. */
export interface MatcherResult {
  pass: boolean;
  message(): string;
}

/** The grader's overrides a RunPromise carries, as GradeOptions (its spec and settings are its own). */
function overrides(p: RunPromise): GradeOptions {
  const { sandbox, requireSandbox, acceptNoIsolation, clock, interpreter, timeScale, signal } = p.options;
  return {
    ...(sandbox ? { sandbox } : {}),
    ...(requireSandbox ? { requireSandbox } : {}),
    ...(acceptNoIsolation ? { acceptNoIsolation } : {}),
    ...(clock ? { clock } : {}),
    ...(interpreter !== undefined ? { interpreter } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(signal ? { cancel: signal } : {}),
  };
}

/**
 * Grade `received` against a whole spec: a path, or a run not started yet, is graded as the CLI
 * grades it (the spec's settings, files and repeats); a run already made is scored as recorded.
 */
export async function gradeReceived(received: Received, spec: Spec, opts: GradeOptions = {}): Promise<SubmissionResult> {
  if (typeof received === 'string') return gradeOne(spec, received, opts);
  if (received instanceof RunPromise && !received.started) return gradeOne(spec, received.submission, { ...overrides(received), ...opts });
  return scoreRecords(spec, await received, received instanceof RunPromise ? received.submission : undefined);
}

/** The record of `received` (running a path with the settings its file type implies) and the runtime it ran under. */
export async function recordOf(received: Received): Promise<{ record: RunRecord; runtime: string; submission?: string }> {
  const p = typeof received === 'string' ? run(received) : received;
  if (p instanceof RunPromise) return { record: await p, runtime: (await p.spec()).run.runtime, submission: p.submission };
  return { record: await p, runtime: 'python' };
}

/** Every check passed, and the submission could be run. */
export function passed(result: SubmissionResult): boolean {
  return !result.error && result.checks.every((c) => c.status === 'passed');
}

/** The matcher's verdict; its message is the CLI's report under a one-line summary. */
export function verdict(ctx: MatcherContext, call: string, result: SubmissionResult, what: string): MatcherResult {
  const pass = passed(result);
  const failing = result.checks.filter((c) => c.status !== 'passed').length;
  const summary = pass
    ? `expected ${result.id} not to ${what}, but ${result.checks.length === 1 ? 'the check passes' : `all ${result.checks.length} checks pass`}`
    : result.error
      ? `${result.id} could not be graded: ${result.error}`
      : result.checks.length === 1
        ? `${result.id} does not ${what}`
        : `${result.id} does not ${what}: ${failing} of ${result.checks.length} checks did not pass`;
  return { pass, message: () => `${ctx.isNot ? call.replace('.to', '.not.to') : call}\n\n${summary}\n\n${explain(result)}` };
}
