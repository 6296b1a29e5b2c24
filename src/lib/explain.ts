/** `explain`: a graded submission as the terminal shows it (the `tracegrade check` report). */

import { renderSubmission } from '../report/index.js';
import type { SubmissionResult } from '../score/index.js';

/** How to render {@link explain}'s report. */
export interface ExplainOptions {
  /** ANSI colours (default false). */
  color?: boolean;
  /** Include checks that are not `visible` (default true: the instructor's view; `tracegrade check` shows students false). */
  showHidden?: boolean;
  /** Wrap explanations to this many columns (default 100). */
  width?: number;
}

/**
 * The report of one graded submission, word for word as the CLI prints it: a ✓/✗ line per
 * check with its points; for each check that did not pass, the explanation, the hint and an
 * excerpt of the trace with times in the margin; then the score. Ends with a newline.
 *
 * @example
 * ```js
 * process.stdout.write(explain(await grade('specs/coroutine-awaited.yaml', 'my-solution')));
 * ```
 */
export function explain(result: SubmissionResult, options: ExplainOptions = {}): string {
  return renderSubmission(result, { color: options.color ?? false, showHidden: options.showHidden ?? true, width: options.width ?? 100 });
}
