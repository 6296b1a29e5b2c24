/**
 * The CLI's seam to the batch engine and the report writers (grade, report, merge): the other
 * half of deps.ts, kept apart so that `check` does not load them.
 */

/** The batch engine's pool/resume/shard driver. */
export { gradeAll, gradeBatch } from '../batch/grade-all.js';
export { createProgress } from '../batch/progress.js';
export { acquireLock, LockError } from '../batch/lock.js';

/** Reports: the registry, and the one entry point that writes them. */
export { writeReports, reporters, DEFAULT_REPORTERS, openResultsFile, readResultsFile, ResultsFileError, ReportWriteError, type ResultSource } from '../report/index.js';
