/**
 * `check --watch` as a real child process: edit the student's file, read what it prints.
 * Deterministic: every step waits for the "Watching … for changes" marker that ends a run
 * (never a sleep), then asserts on the output of that run alone.
 */

import { execa, type ResultPromise } from 'execa';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changesSince } from '../src/cli/commands/check-watch.js';
import type { SubmissionResult } from '../src/score/types.js';
import { ABC_GOOD, ABC_NO_DONE, ABC_SPEC, project } from './cli-helpers.js';

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'tracegrade.js');
const MARKER = /Watching \S+ for changes/g;

test('re-checks on save, shows what changed, survives a syntax error, quits on q', async () => {
  const d = await project({ 'specs/abc.yaml': ABC_SPEC, 'me/main.py': ABC_NO_DONE });
  const child: ResultPromise = execa(process.execPath, [BIN, 'check', 'me', '--spec', 'specs/abc.yaml', '--watch'], {
    cwd: d,
    reject: false,
    env: { NO_COLOR: '1' },
    stdin: 'pipe',
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const poke = (): void => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (b: Buffer) => ((out += b.toString()), poke()));
  child.stderr!.on('data', (b: Buffer) => ((err += b.toString()), poke()));
  /**
   * Resolves once the next run has ended — its marker on stderr and its last line on stdout
   * (`last`): the two pipes arrive in either order — and returns that run's stdout.
   */
  let seen = 0;
  const nextRun = async (last: RegExp): Promise<string> => {
    const from = out.length;
    seen++;
    while ((err.match(MARKER) ?? []).length < seen || !last.test(out.slice(from))) {
      if (child.exitCode !== null) throw new Error(`watch exited early:\n${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
    return out.slice(from);
  };
  try {
    const first = await nextRun(/visible checks did not pass/); // the first run has no change line
    expect(first).toContain('1 of 3 visible checks did not pass');
    expect(first).not.toContain('Since the last run');
    expect(first).not.toContain('\x1b[2J'); // not a TTY: nothing to clear

    await writeFile(join(d, 'me', 'main.py'), ABC_GOOD);
    const fixed = await nextRun(/Since the last run/);
    expect(fixed).toContain('All 3 visible checks pass');
    expect(fixed).toContain('Since the last run: ✗→✓ says-done; score 2/3 → 3/3 (+1)');

    await writeFile(join(d, 'me', 'main.py'), "print('a'\n");
    const broken = await nextRun(/Since the last run/);
    // says-done requires prints-a: skipped, not failed.
    expect(broken).toMatch(/✓→✗ prints-a, ✓→✗ then-b, ✓→○ says-done; score 3\/3 → 0\/3 \(-3\)/);
    expect(child.exitCode).toBeNull();

    child.stdin!.write('q');
    const done = await child;
    expect(done.exitCode).toBe(1); // the last run's verdict
    expect(err).not.toMatch(/internal error|Error:/);
  } finally {
    child.kill();
    await rm(d, { recursive: true, force: true });
  }
}, 60_000);

test('the change line: flips both ways, the score delta, and nothing before the first run', () => {
  const sub = (score: number, statuses: Record<string, 'passed' | 'failed' | 'skipped'>) =>
    ({ score, maxScore: 4, runs: [], checks: Object.entries(statuses).map(([id, status]) => ({ id, status, points: 0, maxPoints: 0 })) }) as unknown as SubmissionResult;
  expect(changesSince(undefined, sub(1, { a: 'passed' }))).toBe('');
  expect(changesSince(sub(2, { a: 'passed', b: 'failed' }), sub(2.5, { a: 'failed', b: 'passed' }))).toBe(
    'Since the last run: ✓→✗ a, ✗→✓ b; score 2/4 → 2.5/4 (+0.5)\n',
  );
  expect(changesSince(sub(2, { a: 'passed' }), sub(2, { a: 'passed' }))).toBe('Since the last run: no check changed; score 2/4 → 2/4\n');
  // A check that became skipped (what it requires failed) did not fail: ○, as the report shows it.
  expect(changesSince(sub(2, { a: 'passed', b: 'passed' }), sub(0, { a: 'failed', b: 'skipped' }))).toBe(
    'Since the last run: ✓→✗ a, ✓→○ b; score 2/4 → 0/4 (-2)\n',
  );
});

test('stdin at its end (CI, < /dev/null) quits after the run in flight, with its verdict', async () => {
  const d = await project({ 'specs/abc.yaml': ABC_SPEC, 'me/main.py': ABC_NO_DONE });
  try {
    const r = await execa(process.execPath, [BIN, 'check', 'me', '--spec', 'specs/abc.yaml', '--watch'], { cwd: d, reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore', timeout: 30_000 });
    expect(String(r.stdout)).toContain('1 of 3 visible checks did not pass');
    expect(r.exitCode).toBe(1);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
}, 60_000);

/** Runs argv under a pseudo-terminal (python3's pty), types `q` once "Watching" shows, returns all it wrote. */
const UNDER_PTY = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
buf, typed, deadline = b"", False, time.time() + 40
while time.time() < deadline:
    if not typed and b"Watching" in buf:
        os.write(fd, b"q")
        typed = True
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b""
        if not d:
            break
        buf += d
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(buf)
sys.exit(os.waitstatus_to_exitcode(status))
`;

test('on a terminal (a pseudo-terminal) each run clears the screen first', async () => {
  const d = await project({ 'specs/abc.yaml': ABC_SPEC, 'me/main.py': ABC_GOOD });
  try {
    const r = await execa('python3', ['-c', UNDER_PTY, process.execPath, BIN, 'check', 'me', '--spec', 'specs/abc.yaml', '--watch'], {
      cwd: d,
      reject: false,
      env: { NO_COLOR: '1' },
      timeout: 50_000,
    });
    const out = String(r.stdout);
    expect(out).toContain('Watching');
    const clear = out.indexOf('\x1b[2J\x1b[3J\x1b[H');
    expect(clear).toBeGreaterThanOrEqual(0);
    expect(clear).toBeLessThan(out.indexOf('All 3 visible checks pass'));
    expect(r.exitCode).toBe(0);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
}, 60_000);
