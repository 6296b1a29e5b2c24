/**
 * Grade one submission against one spec: `repeat` runs through the runner, then the scorer.
 * Never throws for anything a submission (or the machine) does: the failure becomes an error
 * result with score 0, so a batch always goes on.
 */

import { basename, resolve } from 'node:path';
import type { RunSettings, Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { SubmissionResult } from '../score/types.js';
import type { GradeOptions } from './types.js';
import { realEngine, type Engine, type RunRequest } from './engine.js';

/** Submission id: the folder name, or the file name of a single-file submission. */
export function submissionId(submission: string): string {
  return basename(resolve(submission));
}

/**
 * The clock a spec runs on under the command line's `--clock`. `--clock virtual` is a request
 * for the whole batch, but only Python and Node have a virtual clock (`clock: virtual` on a
 * command spec is a spec error): command specs keep the real clock, and their runs say why.
 */
export function effectiveClock(spec: Spec, clock: GradeOptions['clock']): 'real' | 'virtual' {
  if (clock === 'virtual' && spec.run.runtime === 'command') return 'real';
  return clock ?? spec.run.clock;
}

/** Recorded on the runs of a command spec graded with `--clock virtual`. */
export function virtualClockFallback(spec: Spec): string {
  return `the virtual clock is for Python and Node programs only, so this ${spec.run.runtime} program ran in real time`;
}

/** The spec as it will actually run: command-line overrides applied (the input is not modified). */
export function effectiveSpec(spec: Spec, opts: GradeOptions): Spec {
  const apply = (settings: RunSettings): RunSettings => {
    const run = { ...settings };
    run.clock = effectiveClock({ ...spec, run: settings }, opts.clock);
    // `--python` pins Python specs only: a node or command spec in the same batch keeps its own.
    if (opts.interpreter && settings.runtime === 'python') run.interpreter = opts.interpreter;
    if (opts.repeat !== undefined) run.repeat = opts.repeat;
    run.repeat = Math.max(1, Math.floor(run.repeat || 1));
    return run;
  };
  const timing = opts.timeScale !== undefined ? { ...spec.timing, scale: opts.timeScale } : spec.timing;
  const out: Spec = { ...spec, run: apply(spec.run), timing };
  if (spec.runs) out.runs = spec.runs.map((r) => ({ name: r.name, run: apply(r.run) }));
  return out;
}

/** What one repeat runs: each named run (as a spec whose `run` is that run's settings), or the spec's one run. */
export function runPlan(eff: Spec): Array<{ name?: string; spec: Spec }> {
  if (!eff.runs) return [{ spec: eff }];
  return eff.runs.map((r) => ({ name: r.name, spec: { ...eff, run: r.run } }));
}

/**
 * The runs of one submission, in the order gradeOne makes them: `repeat` times each named run
 * (or the spec's one run). `eff` is the effective spec; the warm pool plans from the same list.
 */
export function plannedRuns(eff: Spec, path: string, opts: GradeOptions): Array<{ name?: string; req: RunRequest }> {
  const plan = runPlan(eff);
  const out: Array<{ name?: string; req: RunRequest }> = [];
  for (let i = 0; i < eff.run.repeat; i++)
    plan.forEach((step, k) => {
      const req: RunRequest = {
        spec: step.spec,
        submission: path,
        runIndex: i * plan.length + k,
        ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
        ...(opts.requireSandbox ? { requireSandbox: opts.requireSandbox } : {}),
        ...(opts.acceptNoIsolation ? { acceptNoIsolation: true } : {}),
        ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
        ...(opts.cancel ? { signal: opts.cancel } : {}),
      };
      out.push(step.name !== undefined ? { name: step.name, req } : { req });
    });
  return out;
}

/** A result for a submission that could not be graded: every check skipped, score 0. */
export function errorResult(
  spec: Spec,
  submission: string,
  id: string,
  error: string,
  durationMs: number,
  runs: RunRecord[] = [],
): SubmissionResult {
  return {
    id,
    path: submission,
    spec: spec.name,
    specFile: spec.file,
    specTitle: spec.title,
    score: 0,
    maxScore: spec.checks.reduce((sum, c) => sum + c.points, 0),
    checks: spec.checks.map((c) => ({
      id: c.id,
      title: c.title,
      status: 'skipped' as const,
      points: 0,
      maxPoints: c.points,
      message: `Not graded: ${error}`,
      ...(c.hint !== undefined ? { hint: c.hint } : {}),
      visibility: c.visibility,
      ...(c.loc ? { specLine: c.loc.line } : {}),
      lines: [],
      windows: [],
    })),
    runs,
    error,
    gradedAt: new Date().toISOString(),
    durationMs,
  };
}

/** The error of a result cut short by the batch's abort signal: such a result is neither stored nor reported. */
export const INTERRUPTED = 'grading was interrupted before every run was made';

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** A result graded on a `-t` selection says so (SubmissionResult.selection), in results.json and the store. */
function withSelection(r: SubmissionResult, opts: GradeOptions): SubmissionResult {
  return opts.checkSelection === undefined ? r : { ...r, selection: opts.checkSelection };
}

/**
 * Run `spec.run.repeat` runs of `submission` (with named runs: each named run once per repeat) (one after the other: parallelism is across
 * submissions) and score them. `engine` is injectable for tests of pure logic.
 */
export async function gradeOne(
  spec: Spec,
  submission: string,
  opts: GradeOptions = {},
  engine?: Engine,
): Promise<SubmissionResult> {
  const started = performance.now();
  const path = resolve(submission);
  const id = opts.id ?? submissionId(path);
  const eff = effectiveSpec(spec, opts);
  const runs: RunRecord[] = [];
  try {
    const eng = engine ?? realEngine;
    for (const { name, req } of plannedRuns(eff, path, opts)) {
      if (opts.signal?.aborted) throw new Error(INTERRUPTED);
      const made = await eng.run(req);
      if (opts.cancel?.aborted) throw new Error(INTERRUPTED); // killed mid-run: no verdict
      // `--clock virtual` on a runtime without one: say so, as the runner does when it falls back.
      const run = name !== undefined ? { name, ...made } : made;
      const fallback = opts.clock === 'virtual' && req.spec.run.clock !== 'virtual' && !run.clockFallback;
      runs.push(fallback ? { ...run, clockFallback: virtualClockFallback(req.spec) } : run);
    }
    const durationMs = Math.round(performance.now() - started);
    return withSelection(await eng.score(eff, runs, { id, path, gradedAt: new Date().toISOString(), durationMs }), opts);
  } catch (err) {
    return withSelection(errorResult(eff, path, id, describe(err), Math.round(performance.now() - started), runs), opts);
  }
}
