// Build step (after tsc): compile runtime/python (whatever .py files are there) to bytecode for
// every Python 3 found here: python3/python on PATH, pyenv's versions, the system's. Each run
// then loads .pyc instead of compiling the tracer from source (children run with
// PYTHONDONTWRITEBYTECODE). An interpreter not seen here gets its bytecode on first use
// (src/run/bytecode.ts). Never fails the build: without bytecode runs are only slower.

import { existsSync, readdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { compileRuntime } = await import('../dist/run/bytecode.js');
const { which } = await import('../dist/run/interpreter.js');

const candidates = [await which('python3'), await which('python'), '/usr/bin/python3', '/usr/local/bin/python3'];
const pyenv = path.join(process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions');
if (existsSync(pyenv)) for (const v of readdirSync(pyenv)) candidates.push(path.join(pyenv, v, 'bin', 'python3'));

// A pyenv shim resolves to one of the versions anyway: skip it rather than pay for the shim.
const real = new Set();
for (const c of candidates) {
  if (!c || !existsSync(c) || c.includes(`${path.sep}shims${path.sep}`)) continue;
  try {
    real.add(realpathSync(c));
  } catch {
    /* dangling link */
  }
}
const results = await Promise.all([...real].map(async (py) => [py, await compileRuntime(py)]));
const failed = results.filter(([, ok]) => !ok).map(([py]) => py);
if (failed.length) console.error(`note: could not precompile runtime/python with ${failed.join(', ')} (runs compile it from source)`);
