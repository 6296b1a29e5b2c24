/**
 * A Node run's instrumentation. Real clock: only the start marker. Virtual clock: a preload
 * (runtime/node/virtual.cjs) puts the program's timers on @sinonjs/fake-timers and, whenever
 * nothing else can run, asks the parent over the signed channel to jump to the next timer; the
 * parent owns virtual time and stamps the lines, exactly as for Python (serve.ts).
 */

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSettings } from '../../spec/types.js';
import type { InstrumentOptions } from './python.js';
import { serveChannel } from './serve.js';
import { CHANNEL_FD, type Instrumentation } from './types.js';

const DEFAULT_WALL_MS = 10_000;

/** Absolute path of runtime/node (the preloads), from src/run/instrument or dist/run/instrument. */
export function runtimeNodeDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'runtime', 'node');
}

/**
 * Real clock: a preload (runtime/node/start.cjs) sends one line on fd 3 just before the entry
 * runs (the runner counts times from its arrival), closes the channel and deletes its variable;
 * nothing is patched. The program's process.execArgv shows the --require (harmless: a fork()ed
 * child loads it too and, without the variable, does nothing).
 * Structure (a `tasks` check or `by:`): runtime/node/structure, on the signed channel, under
 * either clock; the key is the channel's first line, never in the environment.
 * Virtual clock: runtime/node/virtual.cjs (its vendored fake-timers in runtime/node/vendor, put
 * there by the build, so the sandbox's read-only bind of runtime/node is all the child needs).
 */
export function instrumentNode(settings?: RunSettings, opts: InstrumentOptions = {}): Instrumentation {
  const key = opts.key ?? randomBytes(16).toString('hex');
  const wallMs = opts.wallMs ?? settings?.limits?.wallMs ?? DEFAULT_WALL_MS;
  // The structure tracer (runtime/node/structure) when a check reads it; the key goes over the channel.
  const structure: Record<string, string> = settings?.traceTasks ? { TRACEGRADE_STRUCTURE: '1' } : {};
  if (settings?.clock !== 'virtual' && settings?.traceTasks) {
    return {
      env: { TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD), ...structure },
      pythonPath: [],
      nodePreload: { dir: runtimeNodeDir(), file: 'start.cjs' },
      wantsChannel: true,
      ...serveChannel({ key, virtual: false, wallMs, traceTasks: true, observeProc: false, keyOnChannel: true }),
    };
  }
  if (settings?.clock !== 'virtual') {
    return {
      env: { TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD) },
      pythonPath: [],
      nodePreload: { dir: runtimeNodeDir(), file: 'start.cjs' },
      wantsChannel: true,
      attach() {},
      onChannelData() {},
      finish: (record) => record,
    };
  }
  return {
    env: { TRACEGRADE_CLOCK: 'virtual', TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD), TRACEGRADE_WALL_MS: String(wallMs), ...structure },
    pythonPath: [],
    nodePreload: { dir: runtimeNodeDir(), file: 'virtual.cjs' },
    wantsChannel: true,
    // Node's own threads (libuv's pool, V8's) are no sign of anything: no /proc comparison.
    ...serveChannel({ key, virtual: true, wallMs, traceTasks: !!settings.traceTasks, observeProc: false, keyOnChannel: true }),
  };
}
