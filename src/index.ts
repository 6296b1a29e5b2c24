/**
 * tracegrade as a library: load a spec, run a submission into a timed trace, check the trace,
 * grade and write the reports — the same engine and the same words as the command line.
 * Jest matchers live in `tracegrade/jest`. Guide: docs/library.md.
 *
 * @packageDocumentation
 */

export { loadSpec, specFromObject, SpecError } from './lib/spec.js';
export { run, RunPromise, type SubmissionRunOptions } from './lib/run.js';
export { check, grade, type Recorded } from './lib/grade.js';
export { writeReports, type WriteReportsOptions } from './lib/reports.js';
export { explain, type ExplainOptions } from './lib/explain.js';
export { ReportWriteError } from './report/index.js';

/** A loaded spec and its parts (docs/spec-language.md). */
export type { Check, Diagnostic, RunSettings, Spec } from './spec/types.js';
/** What a run records: the timed trace and how the program ended. */
export type { RunRecord, TraceLine } from './trace/types.js';
/** One check's verdict on one run, with its explanation. */
export type { CheckOutcome, CheckStatus, LineRef } from './check/index.js';
/** Scored results, as in results.json (docs/results-json.md). */
export type { CheckResult, GradeResults, SubmissionResult } from './score/index.js';
/** The command line's overrides of a spec's run settings. */
export type { GradeOptions } from './batch/types.js';
