/**
 * Combining one check's outcomes over repeated runs into one result, per the spec's policy.
 *
 * Credit per run: for a `partial` check its fraction (0..1), otherwise 1 if it passed, else 0;
 * a skipped run earns 0. The policy picks one credit from the runs:
 *   - all:      the lowest credit (a check must hold in every run: unstable → 0 unless partial);
 *   - best:     the highest credit (any passing run earns full points: unstable → full);
 *   - majority: the credit a strict majority of runs reach (the ⌊n/2⌋+1-th highest), so an
 *               unstable check earns full points when it passed in more than half the runs.
 * Status is 'unstable' whenever some runs passed and others did not, whatever the policy: the
 * report must show flakiness, not average it away. perRun keeps every run's outcome.
 */

import type { Check, RunSettings } from '../spec/types.js';
import type { CheckOutcome } from '../check/types.js';
import type { CheckResult, CheckResultStatus } from './types.js';

export type Policy = RunSettings['policy'];

export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}

/** The credit (0..1) one run's outcome earns for a check. */
export function creditOf(check: Check, o: CheckOutcome): number {
  if (o.status === 'skipped') return 0;
  if (o.status === 'passed') return 1;
  return check.partial ? Math.min(Math.max(o.fraction, 0), 1) : 0;
}

/** The credit the policy awards, given every run's credit. */
export function policyCredit(credits: number[], policy: Policy): number {
  if (credits.length === 0) return 0;
  const sorted = [...credits].sort((a, b) => b - a);
  if (policy === 'best') return sorted[0]!;
  if (policy === 'all') return sorted[sorted.length - 1]!;
  return sorted[Math.floor(sorted.length / 2)]!; // reached by ⌊n/2⌋+1 runs: a strict majority
}

export function combinedStatus(outcomes: CheckOutcome[]): CheckResultStatus {
  const n = outcomes.length;
  const passes = outcomes.filter((o) => o.status === 'passed').length;
  if (n === 0) return 'failed';
  if (passes === n) return 'passed';
  if (passes > 0) return 'unstable';
  if (outcomes.every((o) => o.status === 'skipped')) return 'skipped';
  return 'failed';
}

/** Combine one check's outcomes (one per run, in run order) into its result. */
export function combineRuns(check: Check, outcomes: CheckOutcome[], policy: Policy): CheckResult {
  const n = outcomes.length;
  const status = combinedStatus(outcomes);
  const credit = policyCredit(outcomes.map((o) => creditOf(check, o)), policy);
  const points = round2(check.points * credit);
  // The run the message is about: the first that did not pass (the evidence a student needs), else the first.
  let k = outcomes.findIndex((o) => o.status === 'failed');
  if (k < 0) k = outcomes.findIndex((o) => o.status !== 'passed');
  if (k < 0) k = 0;
  const rep = outcomes[k]!;
  const passes = outcomes.filter((o) => o.status === 'passed').length;
  let message = rep.message;
  if (n > 1) {
    if (status === 'unstable') {
      message = `unstable: passed in ${passes} of ${n} runs (policy '${policy}': ${points} of ${check.points} points). Run ${k + 1}: ${rep.message}`;
    } else if (status === 'passed') {
      message = `${rep.message} (passed in all ${n} runs)`;
    } else if (status === 'failed') {
      const fails = outcomes.filter((o) => o.status === 'failed').length;
      message = `${fails === n ? `failed in all ${n} runs` : `failed in ${fails} of ${n} runs, skipped in the others`}. Run ${k + 1}: ${rep.message}`;
    }
  }
  const result: CheckResult = {
    id: check.id,
    title: check.title,
    status,
    points,
    maxPoints: check.points,
    message,
    visibility: check.visibility,
    lines: rep.lines,
    windows: rep.windows,
    fraction: credit,
    run: k,
  };
  if ((status === 'failed' || status === 'unstable') && check.hint) result.hint = check.hint;
  if (check.loc) result.specLine = check.loc.line;
  if (n > 1) result.perRun = outcomes.map((o) => ({ status: o.status, fraction: o.fraction, message: o.message }));
  if (status !== 'passed' && rep.category) result.category = rep.category;
  return result;
}
