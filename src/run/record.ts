/** The sandbox part of a run's record, and the record of a run that could not start. */

import type { RunRecord, SandboxInfo, SandboxLevel } from '../trace/types.js';
import type { ResolvedRuntime } from './interpreter.js';
import { notProtected, type LaunchPlan } from './sandbox/index.js';

export function errorRecord(message: string, chosen: { level: SandboxLevel; reason?: string }, runtime?: ResolvedRuntime): RunRecord {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    truncated: false,
    end: 'error',
    endDetail: message,
    wallMs: 0,
    clock: 'real',
    sandbox: sandboxInfo(chosen),
    runtime: runtime?.description,
    trace: [],
    error: message,
  };
}

export function sandboxInfo(chosen: { level: SandboxLevel; reason?: string }, plan?: LaunchPlan): SandboxInfo {
  const info: SandboxInfo = { level: chosen.level };
  if (chosen.reason) info.reason = chosen.reason;
  const open = notProtected(chosen.level, undefined, plan?.mechanisms);
  if (open.length) info.notProtected = open;
  if (plan) {
    info.limits = plan.applied;
    info.mechanisms = plan.mechanisms;
  }
  return info;
}
