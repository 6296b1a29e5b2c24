/**
 * Which resource limit stopped a run, and how to raise it: the one wording shared by the
 * run's end detail (the terminal's run line, results.json) and the checks' explanations.
 * Pure: names, spec keys and example values only.
 */

import type { RunRecord } from './types.js';

export type LimitName = 'wall' | 'cpu' | 'memory' | 'output' | 'processes' | 'file_size';

interface LimitInfo {
  /** "wall-time limit" */
  noun: string;
  /** The spec key under run.limits, with an example value well above the default. */
  example: string;
  /** The key of the applied value in RunRecord.sandbox.limits. */
  applied: string;
  /** --time-scale stretches this limit too. */
  scaled: boolean;
}

const LIMITS: Record<LimitName, LimitInfo> = {
  wall: { noun: 'wall-time limit', example: 'wall: 60s', applied: 'wallMs', scaled: true },
  cpu: { noun: 'CPU-time limit', example: 'cpu: 30s', applied: 'cpuMs', scaled: true },
  memory: { noun: 'memory limit', example: 'memory: 1GB', applied: 'memoryBytes', scaled: false },
  output: { noun: 'output limit', example: 'output: 8MB', applied: 'outputBytes', scaled: false },
  processes: { noun: 'process limit', example: 'processes: 128', applied: 'processes', scaled: false },
  file_size: { noun: 'file-size limit', example: 'file_size: 64MB', applied: 'fileSizeBytes', scaled: false },
};

export function limitNoun(name: LimitName): string {
  return LIMITS[name].noun;
}

/**
 * How to raise a limit, as a clause: "raise it with run.limits.wall in the spec (wall: 60s),
 * or grade with --time-scale 2 (which also doubles every timing tolerance)".
 */
export function raiseHint(name: LimitName): string {
  const l = LIMITS[name];
  const spec = `raise it with run.limits.${name} in the spec (${l.example})`;
  return l.scaled ? `${spec}, or grade with --time-scale 2 (which also doubles every timing tolerance)` : spec;
}

/** The limit a run was stopped by, from its end (and the end detail's words), if any. */
export function limitHit(run: Pick<RunRecord, 'end' | 'endDetail' | 'timedOut' | 'truncated' | 'signal'>): LimitName | undefined {
  if (run.end === 'deadlock') return undefined; // raising the limit would not help: nothing can run
  if (run.timedOut || run.end === 'timeout') return 'wall';
  if (run.end === 'cpu-limit') return 'cpu';
  if (run.end === 'memory-limit') return 'memory';
  if (run.end === 'output-limit' || run.truncated) return 'output';
  if (run.signal === 'SIGXFSZ' || /file-size limit/.test(run.endDetail ?? '')) return 'file_size';
  if (/process limit/.test(run.endDetail ?? '')) return 'processes';
  return undefined;
}

/** The applied value of a limit as the run recorded it (ms or bytes or a count), if known. */
export function appliedValue(run: Pick<RunRecord, 'sandbox'>, name: LimitName): number | undefined {
  const v = run.sandbox.limits?.[LIMITS[name].applied];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
