/**
 * The Python runtime's bytecode: after `npm run build` the interpreter runs use loads the tracer
 * from .pyc (not from source), and the first use of another interpreter compiles it, unless the
 * directory is read-only (not tested here: root, as these tests run, writes anywhere). Needs a Python 3 (skips with the reason otherwise).
 */

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { ensureRuntimeBytecode, pycPath, staleSources } from './bytecode.js';
import { runtimePythonDir } from './instrument/index.js';
import { resolveRuntime } from './interpreter.js';

const root = mkdtempSync(path.join(tmpdir(), 'tg-bytecode-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const python = await resolveRuntime({ runtime: 'python' }).catch((e: Error) => e);
const have = !(python instanceof Error) && !!python.cacheTag;
if (!have) console.log(`skipping bytecode tests: ${python instanceof Error ? python.message : 'the interpreter has no cache tag'}`);
const py = python as { executable: string; cacheTag: string };
const maybe = have ? test : test.skip;
let n = 0;
const copy = (): string => {
  const dir = path.join(root, String(n++));
  cpSync(runtimePythonDir(), dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  return dir;
};

describe('runtime/python bytecode', () => {
  maybe('the resolved interpreter has up-to-date bytecode of every runtime module', async () => {
    expect(await staleSources(py.cacheTag)).toEqual([]);
  });

  maybe('an instrumented child loads the tracer from .pyc even with PYTHONDONTWRITEBYTECODE', () => {
    const { stderr: out } = spawnSync(py.executable, ['-v', '-c', 'import _tracegrade.boot'], {
      env: { PYTHONPATH: runtimePythonDir(), PYTHONDONTWRITEBYTECODE: '1', PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toContain(`code object from '${pycPath(path.join(runtimePythonDir(), '_tracegrade', 'boot.py'), py.cacheTag)}'`);
  });

  maybe('first use of an interpreter compiles what is missing; a module edited since is compiled again', async () => {
    const dir = copy();
    expect((await staleSources(py.cacheTag, dir)).length).toBeGreaterThan(1);
    await ensureRuntimeBytecode(py.executable, py.cacheTag, dir);
    expect(await staleSources(py.cacheTag, dir)).toEqual([]);
    const boot = path.join(dir, '_tracegrade', 'boot.py');
    const later = new Date(statSync(pycPath(boot, py.cacheTag)).mtimeMs + 5000);
    utimesSync(boot, later, later);
    expect(await staleSources(py.cacheTag, dir)).toEqual([boot]);
  });
});
