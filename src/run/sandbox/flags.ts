/** Limits as prlimit flags, and as recorded in the run's SandboxInfo. */

import type { Limits, RuntimeKind } from '../../spec/types.js';
import type { SandboxLevel } from '../../trace/types.js';
import { addressSpaceBytes } from '../limits.js';

const cpuSeconds = (limits: Limits) => Math.max(1, Math.ceil(limits.cpuMs / 1000));

export function prlimitArgs(limits: Limits, runtime: RuntimeKind, nproc: number | null, extraAs = 0): string[] {
  const cpuS = cpuSeconds(limits);
  const args = [
    `--as=${addressSpaceBytes(limits, runtime, extraAs)}`,
    // Soft: SIGXCPU at the limit; hard one second later: SIGKILL for a program that ignores it.
    `--cpu=${cpuS}:${cpuS + 1}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
  ];
  if (nproc !== null) args.push(`--nproc=${nproc}`);
  return args;
}

export function appliedLimits(limits: Limits, runtime: RuntimeKind, level: SandboxLevel, extraAs = 0): Record<string, number> {
  const base: Record<string, number> = { wallMs: limits.wallMs, outputBytes: limits.outputBytes };
  if (level === 'none') return base;
  return {
    ...base,
    cpuMs: cpuSeconds(limits) * 1000,
    memoryBytes: addressSpaceBytes(limits, runtime, extraAs),
    processes: limits.processes,
    fileSizeBytes: limits.fileSizeBytes,
    openFiles: limits.openFiles,
  };
}
