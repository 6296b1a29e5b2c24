/**
 * The compiled CLI as a real process: SIGTERM during `check` kills the run and exits 143; and one
 * output folder takes one grader at a time (a lock naming the other one; a stale lock is taken
 * over). SIGTERM to `grade` mid-batch (runs in flight killed, their temp folders removed, what
 * finished kept and reported, exit 143) is test/run-hostile-cli.test.ts, at every sandbox level.
 */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { realPython, removeDir, tempDir, writeTree } from './batch-helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'tracegrade.js');
const SPEC = `name: sig
title: Signals
run: { runtime: python, entry: main.py, clock: real, limits: { wall: 60s } }
checks:
  - { id: says-done, title: Prints done, points: 1, exists: done }
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('SIGTERM during check (one student run)', () => {
  test('the run is killed, its temp folder removed, exit 143', async () => {
    const root = tempDir('tg-sigterm-check-');
    try {
      mkdirSync(join(root, 'tmp'));
      const pidFile = join(root, 'pid');
      writeTree(root, {
        'spec.yaml': SPEC,
        'sub/main.py': `import os, time\nopen(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\ntime.sleep(50)\nprint('done')\n`,
      });
      const child = spawn(process.execPath, [BIN, 'check', join(root, 'sub'), '--spec', join(root, 'spec.yaml'), '--sandbox', 'none', '--python', realPython()], {
        env: { ...process.env, TMPDIR: join(root, 'tmp'), GITHUB_ACTIONS: '', CI: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const t0 = Date.now();
      while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') {
        if (Date.now() - t0 > 30_000) throw new Error('the run never started');
        await new Promise((r) => setTimeout(r, 50));
      }
      const pid = Number(readFileSync(pidFile, 'utf8'));
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(alive(pid)).toBe(false);
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    } finally {
      removeDir(root);
    }
  }, 60_000);
});

describe('one grader per --out', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('tg-lock-');
    writeTree(root, { 'spec.yaml': SPEC, 'subs/a/main.py': "print('done')\n" });
  });
  afterAll(() => removeDir(root));
  const grade = (out: string) =>
    spawnSync(process.execPath, [BIN, 'grade', join(root, 'spec.yaml'), join(root, 'subs'), '--out', out, '--sandbox', 'none', '--python', realPython()], { encoding: 'utf8' });

  test('a live holder is named and nothing is graded', () => {
    const out = join(root, 'live');
    mkdirSync(join(out, '.tracegrade'), { recursive: true });
    const holder = { pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'grade' };
    writeFileSync(join(out, '.tracegrade', 'lock'), JSON.stringify(holder));
    const r = grade(out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`another tracegrade grade (pid ${process.pid} on ${hostname()}, started 2026-01-01T00:00:00.000Z) is writing to ${out}`);
    expect(r.stderr).toMatch(/delete .*\.tracegrade\/lock/);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, '.tracegrade', 'lock'), 'utf8'))).toEqual(holder); // not taken
  });

  test('a stale lock (its process is gone) is taken over, and released at the end', () => {
    const out = join(root, 'stale');
    mkdirSync(join(out, '.tracegrade'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(join(out, '.tracegrade', 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started: 'x', command: 'grade' }));
    const r = grade(out);
    expect([r.status, r.stderr]).toEqual([0, expect.any(String)]);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
    expect(existsSync(join(out, '.tracegrade', 'lock'))).toBe(false);
  });

  test('report and merge into a folder a grader holds are refused too, and write nothing', () => {
    const done = join(root, 'done');
    expect(grade(done).status).toBe(0);
    const out = join(root, 'held');
    mkdirSync(join(out, '.tracegrade'), { recursive: true });
    const holder = { pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'grade' };
    writeFileSync(join(out, '.tracegrade', 'lock'), JSON.stringify(holder));
    for (const cmd of [['report', join(done, 'results.json')], ['merge', join(done, 'results.json')]]) {
      const r = spawnSync(process.execPath, [BIN, ...cmd, '--out', out], { encoding: 'utf8' });
      expect([cmd[0], r.status]).toEqual([cmd[0], 2]);
      expect(r.stderr).toContain(`is writing to ${out}`);
      expect(existsSync(join(out, 'index.html'))).toBe(false);
    }
    expect(JSON.parse(readFileSync(join(out, '.tracegrade', 'lock'), 'utf8'))).toEqual(holder);
  });
});
