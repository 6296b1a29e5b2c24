/**
 * Graded results: the stable shape of results.json (documented in the README).
 * Produced by `score`, written and re-read by `report`.
 */

import type { CheckOutcome, FailureCategory, LineRef, TimeWindow } from '../check/types.js';
import type { RunRecord } from '../trace/types.js';
import type { Visibility } from '../spec/types.js';

export type CheckResultStatus = 'passed' | 'failed' | 'skipped' | 'unstable';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckResultStatus;
  points: number;
  maxPoints: number;
  message: string;
  hint?: string;
  visibility: Visibility;
  /** Spec file line of the check, for annotations. */
  specLine?: number;
  /** Per run (when the spec repeats runs): the outcome of each. */
  perRun?: Array<Pick<CheckOutcome, 'status' | 'fraction' | 'message'>>;
  /** Lines and windows of the run the message is about (index into runs[]). */
  run?: number;
  /** The named run (`runs:`) the check looked at; absent for a spec with a single `run:`. */
  runName?: string;
  lines: LineRef[];
  windows: TimeWindow[];
  /** Credit 0..1 the policy awarded (points = maxPoints × fraction for partial checks). */
  fraction?: number;
  /** For failed/unstable checks: the kind of failure of the run the message is about. */
  category?: FailureCategory;
}

export interface SubmissionResult {
  /** Submission id: folder name (or file name) of the submission. */
  id: string;
  /** Path of the submission as given. */
  path: string;
  spec: string;
  specFile: string;
  specTitle: string;
  score: number;
  maxScore: number;
  checks: CheckResult[];
  runs: RunRecord[];
  /** Set when the submission could not be graded at all (and score is 0). */
  error?: string;
  /**
   * Set when a run's trace was tampered with (RunRecord.tampered): score 0, flagged for review;
   * `error` then holds "trace tampered …: <reason>" so every report shows it.
   */
  tampered?: string;
  /**
   * Set when only the checks matching this `-t/--check` pattern (and what they require) were
   * graded: not a full result, so it never counts as full marks and `--failed` grades it again.
   */
  selection?: string;
  gradedAt: string;
  durationMs: number;
}

export interface GradeResults {
  tool: { name: 'tracegrade'; version: string };
  /** Format version of this file; bumped on incompatible change. */
  schemaVersion: 1;
  createdAt: string;
  /** How many submissions were graded at once. */
  jobs?: number;
  shard?: { index: number; count: number };
  submissions: SubmissionResult[];
}
