/**
 * What a student may see of a graded submission, by Gradescope's rules: `hidden` checks never,
 * `after_due_date` / `after_published` only once the instructor says the due date has passed
 * (and grades are out). Used by the per-submission HTML pages, which are handed to students;
 * the class page and results.json keep everything. Pure.
 */

import { round2 } from '../score/combine.js';
import type { CheckResult, SubmissionResult } from '../score/types.js';

/** Whether a student sees this check. An unknown visibility (a hand-edited file) stays hidden. */
export function shownToStudent(c: Pick<CheckResult, 'visibility'>, revealAfterDue = false): boolean {
  switch (c.visibility) {
    case 'visible':
      return true;
    case 'after_due_date':
    case 'after_published':
      return revealAfterDue;
    default:
      return false;
  }
}

export interface StudentView {
  /** The submission with only the checks shown, and the score and maximum over those checks. */
  submission: SubmissionResult;
  /** How many checks were left out. */
  leftOut: number;
}


/**
 * A skipped check's message names the checks it needed ("skipped: needs 'x' (Title), which
 * failed"); when one of those is left out, say so without naming it.
 */
function maskLeftOut(c: CheckResult, hidden: CheckResult[]): CheckResult {
  if (c.status !== 'skipped' || !hidden.some((h) => c.message.includes(`'${h.id}'`))) return c;
  return { ...c, message: 'skipped: needs a check that is not shown here, which did not pass' };
}

/** The submission as a student sees it: left-out checks are absent from the list and from the score. */
export function studentView(s: SubmissionResult, revealAfterDue = false): StudentView {
  const hidden = s.checks.filter((c) => !shownToStudent(c, revealAfterDue));
  const checks = s.checks.filter((c) => shownToStudent(c, revealAfterDue)).map((c) => maskLeftOut(c, hidden));
  const leftOut = s.checks.length - checks.length;
  // Nothing left out: keep the recorded score exactly as graded.
  if (leftOut === 0) return { submission: s, leftOut };
  return {
    submission: {
      ...s,
      checks,
      score: round2(checks.reduce((a, c) => a + c.points, 0)),
      maxScore: round2(checks.reduce((a, c) => a + c.maxPoints, 0)),
    },
    leftOut,
  };
}
