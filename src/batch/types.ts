/**
 * Batch grading contracts: what the CLI hands to `batch` and what `batch` reports back.
 * A job is one (spec, submission) pair; a batch is an ordered, deterministic list of jobs.
 */

import type { Spec } from '../spec/types.js';
import type { SandboxLevel } from '../trace/types.js';
import type { GradeResults, SubmissionResult } from '../score/types.js';

/** Command-line overrides of a spec's run settings, applied to every run of a job. */
export interface GradeOptions {
  /** Sandbox level to use; 'auto' (default) picks the strongest available. */
  sandbox?: 'auto' | SandboxLevel;
  /** Fail closed unless at least this level is available (instructors' CI). */
  requireSandbox?: SandboxLevel;
  /** As root, permit a level weaker than bwrap (--accept-no-isolation). */
  acceptNoIsolation?: boolean;
  /** Overrides `run.clock` of every spec; `virtual` only of Python and Node specs (see effectiveClock). */
  clock?: 'real' | 'virtual';
  /** Overrides `run.interpreter` of Python specs (absolute path or version prefix such as "3.12"). */
  interpreter?: string;
  /** Replaces `timing.scale` of every spec (slow graders: 2). */
  timeScale?: number;
  /** Overrides `run.repeat`. */
  repeat?: number;
  /** The `-t/--check` pattern the spec's checks were filtered by, recorded in each result. */
  checkSelection?: string;
  /** Submission id; defaults to the folder (or file) name of the submission. */
  id?: string;
  /** Stops starting new runs (and new submissions in a batch); runs in flight finish. */
  signal?: AbortSignal;
  /** Kill the runs in flight (SIGTERM: a cancelled CI job); their submissions are left ungraded. */
  cancel?: AbortSignal;
}

/** One (spec, submission) pair to grade. */
export interface Job {
  spec: Spec;
  /** Absolute path of the submission (a folder, or a single file used as the entry). */
  submission: string;
  /** Submission id, unique within the spec: folder or file name (suffixed on a clash). */
  id: string;
}

export interface Shard {
  /** 1-based: `--shard 2/4` is { index: 2, count: 4 }. */
  index: number;
  count: number;
}

export interface BatchOptions extends GradeOptions {
  /** How many submissions to grade at once; default: see `defaultJobs`. */
  jobs?: number;
  /** Output directory: per-submission results go to <outDir>/.tracegrade/results/. */
  outDir: string;
  /** Reuse stored results of unchanged (spec, submission, options) and grade only the rest. */
  resume?: boolean;
  /** Grade only this deterministic slice of the job list. */
  shard?: Shard;
  /**
   * The secret that seals stored results (TRACEGRADE_STORE_KEY), shared by the shards of a CI
   * matrix so their results verify when gathered in one folder; default: `<out>/.tracegrade/key`.
   */
  sealKey?: string;
}

/** Progress and result events; every listener is optional. Listeners must not throw. */
export interface GradeEvents {
  /** Before any job starts: how many jobs will run and how many were reused from a previous run. */
  onPlan?(info: { total: number; reused: number; toGrade: number; jobs: number }): void;
  onStart?(job: Job): void;
  /** A job finished (or was reused, `reused: true`); its result is already stored on disk. */
  onResult?(job: Job, result: SubmissionResult, info: { reused: boolean; done: number; total: number }): void;
  /** Non-fatal problems (a stored result failed verification and is graded again…). */
  onWarning?(message: string): void;
  /** A result could not be stored for --resume, even on the retry at the end (it is still in the results). */
  onStoreFailure?(job: Job, file: string, reason: string): void;
  onFinish?(results: GradeResults): void;
}
