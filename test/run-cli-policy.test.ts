/**
 * The fail-closed default on the command line, as root without bwrap (this machine with
 * TRACEGRADE_BWRAP=/nonexistent; CI's runners as root): refused with exit 2 and the fix, unless
 * --accept-no-isolation, and then the terminal says what the level does not protect.
 */

import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTempDirs } from './run-helpers.js';

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
});
