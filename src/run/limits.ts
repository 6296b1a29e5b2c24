/**
 * Resource limits: defaults, per-spec overrides, and how they read in messages.
 * Defaults follow the judges (Judge0, DMOJ): wall 10 s, CPU 5 s, 512 MiB, 64 processes.
 */

import path from 'node:path';
import type { Limits, RuntimeKind } from '../spec/types.js';

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  wallMs: 10_000,
  cpuMs: 5_000,
  memoryBytes: 512 * MiB,
  processes: 64,
  outputBytes: 1 * MiB,
  fileSizeBytes: 16 * MiB,
  openFiles: 256,
});

/**
 * V8 reserves a large code range at start and aborts under a 512 MiB address-space limit,
 * so Node gets the memory limit as its heap cap plus this much address-space headroom.
 */
export const NODE_ADDRESS_SPACE_GRACE = 1024 * MiB;

/** Spec limits over the defaults, then the caller's overrides; `timeScale` stretches the time limits. */
export function resolveLimits(spec: Partial<Limits> = {}, override: Partial<Limits> = {}, timeScale = 1): Limits {
  const merged: Limits = { ...DEFAULT_LIMITS };
  for (const src of [spec, override]) {
    for (const [k, v] of Object.entries(src) as [keyof Limits, number | undefined][]) {
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) merged[k] = v;
    }
  }
  const scale = Number.isFinite(timeScale) && timeScale > 0 ? timeScale : 1;
  merged.wallMs = Math.round(merged.wallMs * scale);
  merged.cpuMs = Math.round(merged.cpuMs * scale);
  return merged;
}

/**
 * Node's module-hooks thread (node_resolve: loose) is a second V8 isolate, which reserves
 * about 550 MiB more at start: the run gets this much more address space.
 */
export const NODE_HOOKS_GRACE = 1024 * MiB;

/** The address-space limit actually applied (RLIMIT_AS) for a runtime, plus `extra` (NODE_HOOKS_GRACE). */
export function addressSpaceBytes(limits: Limits, runtime: RuntimeKind, extra = 0): number {
  return (runtime === 'node' ? limits.memoryBytes + NODE_ADDRESS_SPACE_GRACE : limits.memoryBytes) + extra;
}

/**
 * The runtime whose address-space allowance a run gets: a `command` whose argv starts node
 * (node, nodejs, node20…) gets node's, or V8 would abort at start (SIGTRAP).
 */
export function allowanceRuntime(runtime: RuntimeKind, argv: readonly string[]): RuntimeKind {
  const exe = argv[0] === undefined ? '' : path.basename(argv[0]);
  return runtime === 'command' && /^node(js)?(-?v?\d[\d.]*)?$/.test(exe) ? 'node' : runtime;
}

/** "512 MiB", "1 MiB", "300 KiB", "17 B". */
export function formatBytes(n: number): string {
  if (n >= MiB && n % (MiB / 4) === 0) return `${n / MiB} MiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}

/** "10 s", "2.5 s", "300 ms". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  return `${Math.round(ms)} ms`;
}
