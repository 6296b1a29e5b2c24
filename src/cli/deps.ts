/**
 * The CLI's seam to the modules below it (spec loading, running, batch, reports): everything
 * the commands call from other modules goes through here, so a change in one of their
 * signatures is absorbed in one place.
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

/** The batch engine's pool/resume/shard driver. */
export { gradeAll } from '../batch/grade-all.js';
export { createProgress } from '../batch/progress.js';
export { acquireLock, LockError } from '../batch/lock.js';

/** Reports: the registry, and the one entry point that writes them. */
export {
  writeReports,
  reporters,
  DEFAULT_REPORTERS,
  renderSubmission,
  renderSummaryLine,
  stopCommands,
  readResultsFile,
  terminalWidth,
  useColor,
  ReportWriteError,
} from '../report/index.js';
