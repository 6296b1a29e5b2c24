/**
 * The credit model of one submission (after Vitest's reported-tasks: computed once from the
 * results, read by every reporter): its status, the points it earns, whether it earned full
 * credit, and per check whether the check earned its points. Pure; the single place where a
 * reporter learns "full marks", "could not grade" or "tampered".
 */

import type { CheckResult, CheckResultStatus, SubmissionResult } from './types.js';

/**
 * - graded: every check was judged on a trace.
 * - timed-out: graded, but a run was stopped at the wall-time limit (its points stand).
 * - could-not-grade: the submission could not be run (`error`); score 0.
 * - tampered: a run's trace was forged (`RunRecord.tampered`); score 0, flagged for review.
 */
export type SubmissionStatus = 'graded' | 'timed-out' | 'could-not-grade' | 'tampered';

/** For summary lines and filters: full marks, points lost, not gradable, or flagged. */
export type CreditState = 'full' | 'partial' | 'error' | 'tampered';

export interface CheckCredit {
  id: string;
  status: CheckResultStatus;
  points: number;
  max: number;
  /** The check earned its points: passed, or unstable with full points under the policy. */
  full: boolean;
  /** The check cost points: failed, or unstable below its maximum (what explanations are for). */
  lost: boolean;
}

export interface SubmissionCredit {
  status: SubmissionStatus;
  state: CreditState;
  /** Why the submission is not simply graded: the error, or the tamper reason. */
  reason?: string;
  /** Points earned: 0 when tampered, whatever the forged trace would have scored. */
  points: number;
  max: number;
  /** Percent of the maximum, one decimal. */
  percent: number;
  fullCredit: boolean;
  checks: CheckCredit[];
}

/** The exact percent of the maximum a credit earned, for thresholds (a spec worth 0 points: 100 unless not graded). */
export function exactPercent(c: Pick<SubmissionCredit, 'points' | 'max' | 'state'>): number {
  if (c.max > 0) return (100 * c.points) / c.max;
  return c.state === 'error' || c.state === 'tampered' ? 0 : 100;
}

export function percentOf(score: number, max: number): number {
  return max > 0 ? Math.round((score / max) * 1000) / 10 : 0;
}

/** Whether a check earned its points (passed, or unstable at full points). */
export function checkEarned(c: Pick<CheckResult, 'status' | 'points' | 'maxPoints'>): boolean {
  return c.status === 'passed' || (c.status === 'unstable' && c.points >= c.maxPoints);
}

/** Whether a check cost points (failed, or unstable below its maximum). */
export function checkLost(c: Pick<CheckResult, 'status' | 'points' | 'maxPoints'>): boolean {
  return c.status === 'failed' || (c.status === 'unstable' && c.points < c.maxPoints);
}

/** The reason a run's trace was judged forged, when one was. */
export function tamperReason(s: Pick<SubmissionResult, 'runs'>): string | undefined {
  return s.runs.find((r) => typeof r.tampered === 'string' && r.tampered)?.tampered;
}

export function submissionCredit(s: SubmissionResult): SubmissionCredit {
  const tampered = tamperReason(s);
  const status: SubmissionStatus = tampered !== undefined ? 'tampered' : s.error ? 'could-not-grade' : s.runs.some((r) => r.timedOut) ? 'timed-out' : 'graded';
  const judged = status === 'graded' || status === 'timed-out';
  const checks = s.checks.map((c): CheckCredit => ({
    id: c.id,
    status: c.status,
    points: judged ? c.points : 0,
    max: c.maxPoints,
    full: judged && checkEarned(c),
    lost: checkLost(c),
  }));
  const points = judged ? s.score : 0;
  // Skipped checks are worth nothing here only when the others already reach the maximum. A
  // result graded on a `-t` selection of the checks is never a full result, whatever it scored.
  const fullCredit = judged && s.selection === undefined && s.score >= s.maxScore && s.checks.every((c) => c.status !== 'failed');
  const state: CreditState = status === 'tampered' ? 'tampered' : status === 'could-not-grade' ? 'error' : fullCredit ? 'full' : 'partial';
  const credit: SubmissionCredit = { status, state, points, max: s.maxScore, percent: percentOf(points, s.maxScore), fullCredit, checks };
  const reason = tampered ?? s.error;
  if (reason !== undefined) credit.reason = reason;
  return credit;
}
