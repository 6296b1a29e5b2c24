/** Scoring a submission: evaluate every run, combine per policy, add up points. Pure. */

import type { NamedRun, Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { CheckResult, SubmissionResult } from './types.js';
import { evaluateChecks } from '../check/evaluate.js';
import { combineRuns, round2 } from './combine.js';

export interface SubmissionMeta {
  id: string;
  path: string;
  gradedAt?: string;
  durationMs?: number;
}

/** The verdict every report shows for a run whose trace was tampered with. */
export const TAMPERED = 'trace tampered (score 0, flagged for review)';

export function maxScore(spec: Spec): number {
  return round2(spec.checks.reduce((s, c) => s + c.points, 0));
}

/** Every check failed with the same reason: the submission could not be run. */
function errorResults(spec: Spec, error: string, runIndex: number, message = `could not run the submission: ${error}`): CheckResult[] {
  return spec.checks.map((c) => {
    const r: CheckResult = {
      id: c.id,
      title: c.title,
      status: 'failed',
      points: 0,
      maxPoints: c.points,
      message,
      visibility: c.visibility,
      lines: [],
      windows: [],
      fraction: 0,
      category: 'error',
      run: runIndex,
    };
    if (c.loc) r.specLine = c.loc.line;
    return r;
  });
}

/** One run (× repeat): every check on every record, combined per policy. */
function scoreRepeats(spec: Spec, runs: RunRecord[]): CheckResult[] {
  const perRun = runs.map((r) => evaluateChecks(spec, r));
  return spec.checks.map((c, i) => combineRuns(c, perRun.map((outs) => outs[i]!), spec.run.policy));
}

/**
 * Named runs: `runs` holds, for each repeat, one record per named run, in the spec's order
 * (records name their run). Each repeat evaluates every check on its own run's record, so
 * `requires` reaches across runs; the repeats combine per policy as for a single run. A
 * result's `run` indexes `runs[]` (the record its evidence is from), `runName` names it.
 */
function scoreNamedRuns(spec: Spec, named: NamedRun[], runs: RunRecord[]): CheckResult[] {
  const n = named.length;
  const repeats = Math.max(1, Math.ceil(runs.length / n));
  const perRepeat = Array.from({ length: repeats }, (_, k) => {
    const slice = runs.slice(k * n, (k + 1) * n);
    return evaluateChecks(spec, (c) => slice.find((r) => r.name === c.run));
  });
  return spec.checks.map((c, i) => {
    const result = combineRuns(c, perRepeat.map((outs) => outs[i]!), spec.run.policy);
    const k = result.run ?? 0;
    const idx = runs.findIndex((r, j) => j >= k * n && j < (k + 1) * n && r.name === c.run);
    result.run = idx >= 0 ? idx : k * n;
    if (c.run !== undefined) result.runName = c.run;
    return result;
  });
}

/**
 * Grade one submission's runs against a spec. A run that could not be made (`error`) fails
 * every check with that error and scores 0: grading the other runs would hide a broken setup.
 */
export function scoreSubmission(spec: Spec, runs: RunRecord[], meta: SubmissionMeta): SubmissionResult {
  const base = {
    id: meta.id,
    path: meta.path,
    spec: spec.name,
    specFile: spec.file,
    specTitle: spec.title,
    maxScore: maxScore(spec),
    runs,
    gradedAt: meta.gradedAt ?? new Date().toISOString(),
    durationMs: meta.durationMs ?? 0,
  };
  const errIndex = runs.findIndex((r) => r.error);
  if (runs.length === 0 || errIndex >= 0) {
    const error = runs.length === 0 ? 'no run was recorded' : runs[errIndex]!.error!;
    return { ...base, score: 0, checks: errorResults(spec, error, Math.max(errIndex, 0)), error };
  }
  // Evidence the parent caught lying (issue 10): nothing of the run can be judged. Score 0 and
  // flagged for review; `error` carries the verdict so every report shows it.
  const tamperIndex = runs.findIndex((r) => r.tampered);
  if (tamperIndex >= 0) {
    const tampered = runs[tamperIndex]!.tampered!;
    const error = `${TAMPERED}: ${tampered}`;
    return { ...base, score: 0, checks: errorResults(spec, error, tamperIndex, error), error, tampered };
  }
  const checks = spec.runs ? scoreNamedRuns(spec, spec.runs, runs) : scoreRepeats(spec, runs);
  const score = round2(checks.reduce((s, c) => s + c.points, 0));
  return { ...base, score, checks };
}
