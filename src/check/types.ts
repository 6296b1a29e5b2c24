/** What evaluating one check against one run's trace yields. */

import type { TraceLine } from '../trace/types.js';

/** A trace line a message refers to, with its index in the run's trace. */
export interface LineRef {
  index: number;
  tMs: number;
  text: string;
  stream: TraceLine['stream'];
  /** What this line is to the check: the match found, the offending line, a near miss… */
  role: 'match' | 'offending' | 'near-miss' | 'anchor' | 'context';
  /** Short annotation shown beside the line ("expected here", "differs in case"). */
  note?: string;
}

/** A time window a timing check expected, for the HTML timeline. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
  label: string;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/**
 * What kind of failure (R2U2's three outcomes, refined): the expected line never appeared
 * ('missing'), an anchor the check is measured against never appeared ('not-applicable'), or
 * everything was there but the constraint does not hold ('violated'). 'error': the run could not be made.
 */
export type FailureCategory = 'missing' | 'not-applicable' | 'violated' | 'error';

export interface CheckOutcome {
  id: string;
  status: CheckStatus;
  /** Fraction of the check that holds, 0..1 (1 when passed; used when the check is `partial`). */
  fraction: number;
  /** One-paragraph explanation; for a pass, a short statement of what was seen. */
  message: string;
  lines: LineRef[];
  windows: TimeWindow[];
  /** Set on failed outcomes: which kind of failure (for report filters and categories). */
  category?: FailureCategory;
}
