/** Options shared by the commands that run submissions (grade, check, record). */

import type { GradeOptions } from '../batch/types.js';
import type { SandboxLevel } from '../trace/types.js';
import { bool, oneOf, positiveNumber, str, type Options, type Parsed } from './args.js';

export const SANDBOX_LEVELS = ['bwrap', 'rlimit', 'none'] as const satisfies readonly SandboxLevel[];

export const RUN_OPTIONS: Options = {
  sandbox: { type: 'string' },
  'require-sandbox': { type: 'string' },
  'accept-no-isolation': { type: 'boolean' },
  clock: { type: 'string' },
  python: { type: 'string' },
  'time-scale': { type: 'string' },
};

export function runOptions(p: Parsed): GradeOptions {
  const o: GradeOptions = {};
  const sandbox = oneOf(str(p, 'sandbox'), 'sandbox', ['auto', ...SANDBOX_LEVELS] as const);
  if (sandbox) o.sandbox = sandbox;
  const req = oneOf(str(p, 'require-sandbox'), 'require-sandbox', SANDBOX_LEVELS);
  if (req) o.requireSandbox = req;
  if (bool(p, 'accept-no-isolation')) o.acceptNoIsolation = true;
  const clock = oneOf(str(p, 'clock'), 'clock', ['real', 'virtual'] as const);
  if (clock) o.clock = clock;
  const python = str(p, 'python');
  if (python !== undefined) o.interpreter = python;
  const scale = positiveNumber(str(p, 'time-scale'), 'time-scale');
  if (scale !== undefined) o.timeScale = scale;
  return o;
}

/** Where the interpreter asked for came from, for setup errors: the config file, the flag, or the spec. */
export function interpreterOrigin(p: Parsed): string | undefined {
  const python = str(p, 'python');
  if (python === undefined) return undefined;
  const file = p.fromConfig?.python;
  return file ? `'python: ${python}' in the config file ${file}` : `--python ${python}`;
}
