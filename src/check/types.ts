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

export interface CheckOutcome {
  id: string;
  status: CheckStatus;
  /** Fraction of the check that holds, 0..1 (1 when passed; used when the check is `partial`). */
  fraction: number;
  /** One-paragraph explanation; for a pass, a short statement of what was seen. */
  message: string;
  lines: LineRef[];
  windows: TimeWindow[];
}
