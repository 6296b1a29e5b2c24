/**
 * Hostile corpus, issue 11's audit: a FIFO shipped in a submission, and a reader of its
 * neighbours (a normal 0755 class folder) and of a previous batch's --out. Driven at every
 * level this machine has (the hard link is in run-sandbox.test.ts, per level too).
 */

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { storeSecret } from '../src/batch/seal.js';
import { withOutLock } from '../src/cli/out-lock.js';
import { probeSandbox, runSubmission } from '../src/run/index.js';
import type { SandboxLevel } from '../src/trace/types.js';
import { HOSTILE, SMALL, removeTempDirs, settings, tempDir, texts } from './run-helpers.js';

afterAll(removeTempDirs);

const isRoot = process.getuid?.() === 0;
const levels: SandboxLevel[] = [...((await probeSandbox('bwrap')).ok ? (['bwrap'] as const) : []), 'rlimit', 'none'];
const linux = process.platform === 'linux';
/** An interpreter every uid can reach (the default python3 here may be pyenv's, under /root). */
const sysPy = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));
const py = (level: SandboxLevel) => settings(sysPy && level === 'rlimit' ? { interpreter: sysPy } : {});

/** A 0755 checkout: class/bob/main.py (0644), and an --out made by `grade` (results.json, the seal's key). */
async function classAndOut(): Promise<{ klass: string; out: string; bob: string }> {
  const root = tempDir('tg-reach-');
  chmodSync(root, 0o755); // mkdtemp's 0700 would hide everything
  const klass = path.join(root, 'class');
  const bob = path.join(klass, 'bob', 'main.py');
  mkdirSync(path.dirname(bob), { recursive: true, mode: 0o755 });
  writeFileSync(bob, 'SECRET_SOLUTION = 42\n', { mode: 0o644 });
  const out = path.join(root, 'out');
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: root };
  await withOutLock(out, io, async () => {
    await storeSecret(out);
    writeFileSync(path.join(out, 'results.json'), '{"submissions":[{"id":"bob","score":10}]}\n', { mode: 0o644 });
  });
  return { klass, out, bob };
}

(linux ? describe.each(levels) : describe.skip.each(levels))('at the %s level', (level) => {
  test('a FIFO in the submission: refused before anything runs, naming it, at once', async () => {
    const sub = tempDir('tg-fifo-');
    copyFileSync(path.join(HOSTILE, 'fifo_reader.py'), path.join(sub, 'main.py'));
    execFileSync('mkfifo', [path.join(sub, 'pipe')]);
    const t0 = Date.now();
    const r = await runSubmission({ submission: sub, sandbox: level, settings: py(level), limits: SMALL });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.end).toBe('error');
    expect(r.error).toBe(`submission entry pipe is not a regular file, folder or link (a device, pipe or socket) (in ${sub})`);
    expect(r.trace).toEqual([]);
  });

  test('a reader of its neighbours and of a previous batch\'s --out', async () => {
    const { klass, out, bob } = await classAndOut();
    const r = await runSubmission({ submission: path.join(HOSTILE, 'read_neighbours.py'), sandbox: level, settings: { ...py(level), args: [klass, out] }, limits: SMALL });
    const lines = texts(r);
    expect(lines.at(-1)).toBe('done');
    const got = (p: string) => lines.some((l) => l.startsWith(`READ ${p}:`) || l.startsWith(`LISTED ${p}:`));
    const results = path.join(out, 'results.json');
    const key = path.join(out, '.tracegrade', 'key');
    if (level === 'bwrap') {
      // Nothing of the host's folders is mounted.
      expect([got(klass), got(bob), got(results), got(key)]).toEqual([false, false, false, false]);
    } else if (level === 'rlimit' && isRoot) {
      // The run's own uid: a 0755 class folder IS readable (docs/sandbox.md; the setup warning names it);
      // the --out tracegrade made (0700) is not.
      expect([got(klass), got(bob), got(results), got(key)]).toEqual([true, true, false, false]);
    } else {
      // As the harness's user (none; rlimit as a normal user): everything.
      expect([got(klass), got(bob), got(results), got(key)]).toEqual([true, true, true, true]);
    }
  });
});
