/**
 * The fail-closed default on the command line, as root without bwrap (this machine with
 * TRACEGRADE_BWRAP=/nonexistent; CI's runners as root): refused with exit 2 and the fix, unless
 * --accept-no-isolation, and then the terminal says what the level does not protect.
 */

import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTempDirs, tempDir } from './run-helpers.js';

afterAll(removeTempDirs);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'tracegrade.js');
const SUB = path.join(ROOT, 'submissions', 'task-awaited', 'reference');
const SPEC = path.join(ROOT, 'specs', 'task-awaited.yaml');

async function tg(args: string[], env: Record<string, string | undefined>) {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: ROOT, reject: false, env: { NO_COLOR: '1', TRACEGRADE_ACCEPT_NO_ISOLATION: undefined, ...env }, extendEnv: true, timeout: 60_000 });
  return { code: r.exitCode ?? -1, stderr: String(r.stderr), stdout: String(r.stdout) };
}

const asRoot = process.platform === 'linux' && process.getuid?.() === 0 ? describe : describe.skip;

asRoot('as root without bwrap', () => {
  const noBwrap = { TRACEGRADE_BWRAP: '/nonexistent' };

  test('auto refuses to fall back to rlimit: exit 2, what it would give up, the fix', async () => {
    const r = await tg(['check', SUB, '--spec', SPEC], noBwrap);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to run submissions as root at the 'rlimit' sandbox level \(bwrap not found.*\): the network is open;.*Install bubblewrap.*--accept-no-isolation/);
  });

  test('--sandbox none is refused too', async () => {
    const r = await tg(['check', SUB, '--spec', SPEC, '--sandbox', 'none'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to run submissions as root at the 'none' sandbox level: runs as ROOT/);
  });

  test('with --accept-no-isolation it grades, and the terminal says what the level does not protect and what the runs can read', async () => {
    const r = await tg(['check', SUB, '--spec', SPEC, '--accept-no-isolation'], noBwrap);
    expect(r.stderr).toMatch(/warning: running submissions with the 'rlimit' sandbox level \(bwrap not found.*\); it does not protect: the network is open; world-readable host files are readable/);
    expect(r.stderr).toContain(`warning: readable by every submission at this level: ${SPEC}`);
    expect(r.code).toBe(0);
  });

  test('grade at rlimit: a readable class folder and --out are named with the fix; a new --out (and its store) is made 0700', async () => {
    // A normal checkout: 0755 folders (mkdtemp makes 0700, which would hide everything).
    const root = tempDir('tg-exposed-');
    chmodSync(root, 0o755);
    const klass = path.join(root, 'class');
    cpSync(SUB, path.join(klass, 'alice'), { recursive: true });
    const oldOut = path.join(root, 'old-out');
    mkdirSync(oldOut, { mode: 0o755 });
    chmodSync(oldOut, 0o755);
    const r = await tg(['grade', SPEC, klass, '--out', oldOut, '--accept-no-isolation'], noBwrap);
    expect(r.stderr).toContain(`${klass} (submissions), ${oldOut} (--out: reports and results) (chmod o-rx them, or use bwrap)`);
    expect(statSync(path.join(oldOut, '.tracegrade')).mode & 0o777).toBe(0o700);
    const newOut = path.join(root, 'new-out');
    const r2 = await tg(['grade', SPEC, klass, '--out', newOut, '--accept-no-isolation'], noBwrap);
    expect(r2.stderr).toContain(`${klass} (submissions) (chmod o-rx them, or use bwrap)`);
    expect(statSync(newOut).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(newOut, '.tracegrade')).mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(newOut, 'results.json'))).toBe(true);
  });

  const py312 = path.join(process.env.HOME ?? '/root', '.pyenv/versions/3.12.1/bin/python3');
  (existsSync(py312) && !existsSync('/usr/bin/python3.12') ? test : test.skip)(
    'an interpreter under /root with no reachable twin: said once before any run (exit 2), never run as root',
    async () => {
      const r = await tg(['check', SUB, '--spec', SPEC, '--python', '3.12', '--accept-no-isolation'], noBwrap);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/python3\.12 is not reachable by an unprivileged uid .*never runs a submission as root; use an interpreter outside \/root/);
    },
  );
});
