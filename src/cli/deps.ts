/**
 * The CLI's seam to the modules below it (spec loading, running, one submission, the terminal
 * report): everything the commands call from other modules goes through here or, for the batch
 * commands, deps-batch.ts, so a change in one of their signatures is absorbed in one place.
 * Two seams so that `check` and `record` do not load the batch engine and every reporter.
 */

import type { Diagnostic } from '../spec/types.js';
import { formatDiagnostic as formatDiag } from '../spec/diagnostic.js';

/** Spec paths → every file's diagnostics and spec (folders expanded, duplicate names caught). */
export { validateSpecFiles, type FileDiagnostics } from '../spec/validate.js';

export function formatDiagnostic(d: Diagnostic, source?: string): string {
  return formatDiag(d, source);
}

/** One run of a submission (record): the runner's own contract. */
export { runSubmission, type RunOptions } from '../run/runner.js';

/** One submission, `repeat` runs, scored (check). */
export { gradeOne } from '../batch/grade-one.js';

/** The terminal report (check, and grade's summary line). */
export { renderSubmission, renderSummaryLine, terminalWidth, useColor } from '../report/terminal.js';
export { stopCommands } from '../report/ci-log.js';
