/** The words and symbols the HTML pages use for a check's status and a submission's state. */

import type { CheckResult } from '../score/types.js';
import type { CreditState } from '../score/index.js';

export const STATUS_LABEL: Record<CheckResult['status'], string> = {
  passed: '✓ passed',
  failed: '✗ failed',
  skipped: '○ skipped',
  unstable: '~ unstable',
};

export const STATE_LABEL: Record<CreditState, string> = {
  full: '✓ full marks',
  partial: '✗ points lost',
  error: '! could not grade',
  tampered: '⚑ flagged for review',
};
