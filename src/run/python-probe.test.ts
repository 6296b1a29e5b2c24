/**
 * The on-disk cache of "which interpreter does this python3 run": a second start does not run the
 * shim again, and anything the shim's answer depends on (its env, the version files, the
 * interpreter file itself) makes it ask again. The candidate here is a fake shim (a shell script
 * that logs each call and answers like the probe expects), so no Python is needed.
 */

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { probePython } from './python-probe.js';

const root = mkdtempSync(path.join(tmpdir(), 'tg-pyprobe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let dir: string;
const saved = { ...process.env };

function fakeShim(): { shim: string; exe: string; calls: () => number } {
  const exe = path.join(dir, 'python3.99');
  writeFileSync(exe, '#!/bin/sh\nexit 0\n');
  chmodSync(exe, 0o755);
  const log = path.join(dir, 'calls.log');
  const shim = path.join(dir, 'python3');
  writeFileSync(shim, `#!/bin/sh\necho x >> '${log}'\nprintf '%s\\n' '${exe}' '${dir}' '${dir}' '3.99.1' 'cpython-399'\n`);
  chmodSync(shim, 0o755);
  return { shim, exe, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) };
}

beforeEach(() => {
  dir = path.join(root, String(n++));
  mkdirSync(path.join(dir, 'project', 'src'), { recursive: true });
  process.env.TRACEGRADE_CACHE_DIR = path.join(dir, 'cache');
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('the python probe cache', () => {
  test('a second probe reads the cache: the shim runs once', async () => {
    const { shim, exe, calls } = fakeShim();
    const a = await probePython(shim);
    const b = await probePython(shim);
    expect(a).toEqual({ executable: exe, version: '3.99.1', roots: [dir, path.dirname(dir)], cacheTag: 'cpython-399' });
    expect(b).toEqual(a);
    expect(calls()).toBe(1);
  });

  test('another PYENV_VERSION (pyenv shell) asks the shim again', async () => {
    const { shim, calls } = fakeShim();
    await probePython(shim);
    await probePython(shim);
    expect(calls()).toBe(1); // unchanged: a hit
    process.env.PYENV_VERSION = '3.12.1';
    await probePython(shim);
    expect(calls()).toBe(2);
  });

  test('a .python-version appearing above the current directory (pyenv local) asks again', async () => {
    const { shim, calls } = fakeShim();
    process.env.PYENV_DIR = path.join(dir, 'project', 'src');
    await probePython(shim);
    await probePython(shim);
    expect(calls()).toBe(1); // unchanged: a hit
    writeFileSync(path.join(dir, 'project', '.python-version'), '3.12.1\n');
    await probePython(shim);
    expect(calls()).toBe(2);
  });

  test('the interpreter it named changed (reinstalled): asks again', async () => {
    const { shim, exe, calls } = fakeShim();
    await probePython(shim);
    await probePython(shim);
    expect(calls()).toBe(1); // unchanged: a hit
    utimesSync(exe, new Date(), new Date(Date.now() - 86_400_000));
    await probePython(shim);
    expect(calls()).toBe(2);
  });

  test('the interpreter it named is gone: asks again', async () => {
    const { shim, exe, calls } = fakeShim();
    await probePython(shim);
    await probePython(shim);
    expect(calls()).toBe(1); // unchanged: a hit
    rmSync(exe);
    expect(await probePython(shim)).toBeNull(); // the answer names a file that does not exist
    expect(calls()).toBe(2);
  });

  test('a failure is not cached', async () => {
    const bad = path.join(dir, 'python3');
    const log = path.join(dir, 'calls.log');
    writeFileSync(bad, `#!/bin/sh\necho x >> '${log}'\nexit 1\n`);
    chmodSync(bad, 0o755);
    expect(await probePython(bad)).toBeNull();
    expect(await probePython(bad)).toBeNull();
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('a cache file others can write is not trusted', async () => {
    const { shim, calls } = fakeShim();
    await probePython(shim);
    await probePython(shim);
    expect(calls()).toBe(1); // unchanged: a hit
    chmodSync(path.join(dir, 'cache', 'python.json'), 0o666);
    await probePython(shim);
    expect(calls()).toBe(2);
  });

  test('TRACEGRADE_CACHE_DIR=off: nothing is stored', async () => {
    process.env.TRACEGRADE_CACHE_DIR = 'off';
    const { shim, calls } = fakeShim();
    await probePython(shim);
    await probePython(shim);
    expect(calls()).toBe(2);
  });
});
