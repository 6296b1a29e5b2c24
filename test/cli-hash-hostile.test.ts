/**
 * The --resume hash runs on every `grade` before the bounded copy, so a hostile submission
 * meets it first: a FIFO must not hang it, a submission that is a link to a big folder must not
 * be walked, and SIGTERM ends `grade` while it hashes. Each through the compiled CLI as a real
 * process, with a time bound. Many files (stopped at the copy's file limit, "submission too
 * large") is test/run-hostile-cli.test.ts's many_files.py, at every sandbox level.
 */

import { spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { realPython, removeDir, tempDir, writeTree } from './batch-helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'tracegrade.js');
const SPEC = `name: hh
title: Hash
run: { runtime: python, entry: main.py, clock: real }
checks:
  - { id: says-done, title: Prints done, points: 1, exists: done }
`;

interface Graded {
  code: number | null;
  ms: number;
  stderr: string;
  errors: Record<string, string | undefined>;
}

/** `grade` of `root/subs` into `root/out`, killed (SIGKILL) after `killMs`; `onLock` runs once the grader holds its --out. */
async function grade(root: string, killMs: number, env: Record<string, string> = {}, onLock?: (kill: (s: NodeJS.Signals) => void) => void): Promise<Graded> {
  const out = join(root, 'out');
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, 'grade', join(root, 'spec.yaml'), join(root, 'subs'), '--out', out, '--sandbox', 'none', '--python', realPython()], {
    env: { ...process.env, GITHUB_ACTIONS: '', CI: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), killMs);
  let poll: NodeJS.Timeout | undefined;
  if (onLock) {
    poll = setInterval(() => {
      if (!existsSync(join(out, '.tracegrade', 'lock'))) return;
      clearInterval(poll);
      setTimeout(() => onLock((s) => child.kill(s)), 300); // the signal handlers are installed just after the lock
    }, 20);
  }
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(killer);
  clearInterval(poll);
  const ms = Date.now() - t0;
  const errors: Record<string, string | undefined> = {};
  if (existsSync(join(out, 'results.json'))) {
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { submissions: { id: string; error?: string }[] };
    for (const s of res.submissions) errors[s.id] = s.error;
  }
  return { code, ms, stderr, errors };
}

describe('the resume hash of a hostile submission', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('tg-hash-');
    writeTree(root, { 'spec.yaml': SPEC });
  });
  afterEach(() => removeDir(root));

  test('a FIFO in a submission: graded promptly, refused naming the FIFO', async () => {
    writeTree(root, { 'subs/fifo/main.py': "print('done')\n", 'subs/ok/main.py': "print('done')\n" });
    execFileSync('mkfifo', [join(root, 'subs', 'fifo', 'pipe')]);
    const r = await grade(root, 30_000);
    expect(r.code).not.toBeNull(); // exited by itself, not killed
    expect(r.ms).toBeLessThan(25_000);
    expect(r.errors.fifo).toMatch(/submission entry pipe is not a regular file, folder or link \(a device, pipe or socket\)/);
    expect(r.errors.ok).toBeUndefined();
  }, 40_000);

  test('a submission that is a link to a big folder (/usr) is not walked: refused at once', async () => {
    writeTree(root, { 'subs/ok/main.py': "print('done')\n" });
    symlinkSync('/usr', join(root, 'subs', 'alias'));
    const r = await grade(root, 30_000);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.errors.alias).toMatch(/alias is a symbolic link \(to \/usr\): refused; grade the folder it points to by its own path/);
  }, 40_000);

  test('SIGTERM while hashing: exits 143 promptly, grading nothing', async () => {
    // 120 submissions of 15 sparse 4 MiB files: every byte is read and hashed (seconds), nothing is written to disk.
    for (let s = 0; s < 120; s++) {
      const dir = join(root, 'subs', `s${String(s).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.py'), "print('done')\n");
      for (let f = 0; f < 15; f++) {
        const fd = openSync(join(dir, `d${f}.bin`), 'w');
        ftruncateSync(fd, 4 * 1024 * 1024);
        closeSync(fd);
      }
    }
    let sent = 0;
    const r = await grade(root, 60_000, {}, (kill) => {
      sent = Date.now();
      kill('SIGTERM');
    });
    expect(sent).toBeGreaterThan(0);
    expect([r.code, r.stderr]).toEqual([143, expect.stringMatching(/terminated \(SIGTERM\)/)]);
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(Object.keys(r.errors)).toEqual([]);
  }, 90_000);
});
