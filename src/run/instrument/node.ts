/** A Node run's instrumentation: only the start marker. */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNEL_FD, type Instrumentation } from './types.js';

/** Absolute path of runtime/node (the start-marker preload), from src/run/instrument or dist/run/instrument. */
export function runtimeNodeDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'runtime', 'node');
}

/**
 * A preload (runtime/node/start.cjs) sends one line on fd 3 just before the entry runs (the
 * runner counts times from its arrival), closes the channel and deletes its variable; nothing is
 * patched. The program's process.execArgv shows the --require (harmless: a fork()ed child loads
 * it too and, without the variable, does nothing).
 */
export function instrumentNode(): Instrumentation {
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
