/**
 * In-process instrumentation of a Python child: virtual clock and asyncio task tracing. The
 * Python side lives in runtime/python (a sitecustomize on PYTHONPATH) and writes signed, numbered
 * records to fd 3. The parent serves the channel while the child runs (serve.ts): it owns virtual
 * time (clock.ts), watches the program's threads and processes in /proc (../observe.ts), and
 * after the run cross-checks every record against what it captured and observed (merge.ts).
 */

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSettings } from '../../spec/types.js';
import { openPyStackReader, prefetchSymbols, readableVersion } from '../pystack/index.js';
import { serveChannel } from './serve.js';
import { CHANNEL_FD, type Instrumentation } from './types.js';

const DEFAULT_WALL_MS = 10_000;

/** Absolute path of runtime/python, from src/run/instrument (ts-jest) or dist/run/instrument (built). */
export function runtimePythonDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'runtime', 'python');
}

/** Whether a run needs the Python instrumentation at all. */
export function wantsInstrumentation(settings: RunSettings): boolean {
  return settings.runtime === 'python' && (settings.clock === 'virtual' || !!settings.traceTasks || settings.seed !== undefined);
}

export interface InstrumentOptions {
  /** The wall-time limit actually in force (after CLI overrides and time scale); default: the spec's, else 10 s. */
  wallMs?: number;
  /** Channel signing key; by default a fresh random key per run (injectable for tests). */
  key?: string;
  /** The Python the run starts (host path, version): the parent reads its stack (witness.ts). */
  interpreter?: { executable: string; version?: string };
}

/**
 * Whether the parent reads this run's Python stack to check who printed each line: when a spec
 * reads attributions (`tasks`, `by:`) and the parent can read that interpreter's memory layout.
 * TRACEGRADE_WITNESS=0 in the harness's environment turns it off (to measure its cost).
 */
function witnessFor(settings: RunSettings, opts: InstrumentOptions): { open: (pid: number) => ReturnType<typeof openPyStackReader>; prefetch: () => void } | undefined {
  const exe = opts.interpreter?.executable;
  if (!settings.traceTasks || !exe || process.env.TRACEGRADE_WITNESS === '0') return undefined;
  if (!readableVersion(opts.interpreter?.version)) return undefined;
  return { open: (pid) => openPyStackReader(pid, exe), prefetch: () => prefetchSymbols(exe) };
}

/** Instrumentation for a Python run; the start marker only when no tracing is needed. */
export function instrumentPython(settings: RunSettings, opts: InstrumentOptions = {}): Instrumentation | null {
  if (settings.runtime !== 'python') return null;
  if (!wantsInstrumentation(settings)) return startMarker();
  const virtual = settings.clock === 'virtual';
  const key = opts.key ?? randomBytes(16).toString('hex');
  const wallMs = opts.wallMs ?? settings.limits?.wallMs ?? DEFAULT_WALL_MS;
  const env: Record<string, string> = {
    TRACEGRADE_CLOCK: virtual ? 'virtual' : 'real',
    TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD),
    TRACEGRADE_KEY: key,
    TRACEGRADE_WALL_MS: String(wallMs),
  };
  const witness = witnessFor(settings, opts);
  if (witness) env.TRACEGRADE_WITNESS = '1';
  if (settings.seed !== undefined) {
    env.TRACEGRADE_SEED = String(settings.seed);
    // Set iteration order too (str hashes): a seeded run replays exactly.
    env.PYTHONHASHSEED = String(Math.abs(Math.trunc(settings.seed)) % 4294967296);
  }
  return {
    env,
    pythonPath: [runtimePythonDir()],
    wantsChannel: true,
    ...serveChannel({ key, virtual, wallMs, traceTasks: true, observeProc: true, witness }),
  };
}

/**
 * The lightest instrumentation: the bootstrap only sends one record when the program's own code
 * begins (the runner counts times from its arrival), closes the channel and patches nothing.
 */
function startMarker(): Instrumentation {
  return {
    env: { TRACEGRADE_CLOCK: 'start', TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD), TRACEGRADE_KEY: randomBytes(16).toString('hex') },
    pythonPath: [runtimePythonDir()],
    wantsChannel: true,
    attach() {},
    onChannelData() {},
    finish: (record) => record,
  };
}
