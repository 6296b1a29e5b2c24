/**
 * The two stages batch grading drives: run (one RunRecord per run) and score.
 * Kept behind this seam so tests of batch logic can inject a minimal engine, and so a change
 * in the runner's options is absorbed here.
 */

import type { Spec } from '../spec/types.js';
import type { RunRecord, SandboxLevel } from '../trace/types.js';
import type { SubmissionResult } from '../score/types.js';
import { runSubmission, type RunOptions } from '../run/runner.js';
import { scoreSubmission } from '../score/score.js';

/** What batch asks the runner for: one run of one submission under an effective spec. */
export interface RunRequest {
  spec: Spec;
  submission: string;
  sandbox?: 'auto' | SandboxLevel;
  requireSandbox?: SandboxLevel;
  acceptNoIsolation?: boolean;
  /** 0-based index of this run among `spec.run.repeat` runs. */
  runIndex: number;
  /** Stretches the wall and CPU limits (slow graders), as `--time-scale` does. */
  timeScale?: number;
  /** Kills the run (SIGTERM on the grader): the runner ends it and removes its temp folder. */
  signal?: AbortSignal;
}

export interface ScoreMeta {
  id: string;
  path: string;
  gradedAt: string;
  durationMs: number;
}

export interface Engine {
  run(req: RunRequest): Promise<RunRecord>;
  /** May answer later: batch grading scores in worker threads (score-pool.ts). */
  score(spec: Spec, runs: RunRecord[], meta: ScoreMeta): SubmissionResult | Promise<SubmissionResult>;
}

/** The real runner and scorer. A run in flight finishes (bounded by its wall-time limit) unless `signal` kills it. */
export const realEngine: Engine = {
  run: (req) => runSubmission(runOptions(req)),
  score: (spec, runs, meta) => scoreSubmission(spec, runs, meta),
};

/** The runner's options for a request (the signal is given at start: see warm-pool.ts). */
export function runOptions(req: RunRequest): RunOptions {
  return {
    submission: req.submission,
    settings: req.spec.run,
    runIndex: req.runIndex,
    ...(req.sandbox ? { sandbox: req.sandbox } : {}),
    ...(req.requireSandbox ? { requireSandbox: req.requireSandbox } : {}),
    ...(req.acceptNoIsolation ? { acceptNoIsolation: true } : {}),
    ...(req.timeScale !== undefined ? { timeScale: req.timeScale } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  };
}
