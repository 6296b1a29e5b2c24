/**
 * Issue 11's attacks at every level they apply to, as root when the suite runs as root (CI):
 * links out of a submission, a submission that is a link, a sparse file, concurrent runs
 * attacking each other, the harness's secrets, an interpreter under /root, leftovers of a uid,
 * and the fail-closed default for a root harness without bwrap.
 */

import { existsSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { probeSandbox, runSubmission, SandboxUnavailableError } from '../src/run/index.js';
import type { SandboxLevel } from '../src/trace/types.js';
import { HOSTILE, SMALL, killAllWith, marker, processesWith, removeTempDirs, settings, tempDir, texts, writeSubmission } from './run-helpers.js';

afterAll(removeTempDirs);

const isRoot = process.getuid?.() === 0;
const bwrapOk = (await probeSandbox('bwrap')).ok;
const levels: SandboxLevel[] = [...(bwrapOk ? (['bwrap'] as const) : []), 'rlimit', 'none'];
const linux = process.platform === 'linux';
const src = (name: string) => readFileSync(path.join(HOSTILE, name), 'utf8');
/** An interpreter every uid can reach (the default python3 here is pyenv's, under /root). */
const sysPy = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));

function rootOnlyFile(): string {
  const f = path.join(tempDir('tg-secret-'), 'shadow');
  writeFileSync(f, 'root secret\n', { mode: 0o600 });
  return f;
}

(linux ? describe.each(levels) : describe.skip.each(levels))('at the %s level', (level) => {
  test('a link to a root-only file: refused before anything runs, the file keeps its owner, mode and content', async () => {
    const secret = rootOnlyFile();
    const before = statSync(secret);
    const sub = writeSubmission({ 'main.py': src('symlink_escape.py') });
    symlinkSync('../'.repeat(20) + secret.slice(1), path.join(sub, 'secret_link'));
    symlinkSync('../'.repeat(20) + path.dirname(secret).slice(1), path.join(sub, 'dir_link'));
    const r = await runSubmission({ submission: sub, sandbox: level, settings: settings(), limits: SMALL });
    expect(r.end).toBe('error');
    expect(r.error).toMatch(/^submission link (dir_link|secret_link) -> \S+ points outside the submission/);
    expect(r.trace).toEqual([]);
    const after = statSync(secret);
    expect([after.uid, after.gid, after.mode]).toEqual([before.uid, before.gid, before.mode]);
    expect(readFileSync(secret, 'utf8')).toBe('root secret\n');
    expect(statSync(path.dirname(secret)).uid).toBe(before.uid);
  });

  test('a hard link to a root-only file: refused before anything runs, naming it, the fix, and why', async () => {
    // One temp dir holds both, so they share a filesystem (a hard link cannot cross one).
    const dir = tempDir('tg-hardlink-');
    const secret = path.join(dir, 'shadow');
    writeFileSync(secret, 'root secret\n', { mode: 0o600 });
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'main.py'), src('hard_link.py'));
    linkSync(secret, path.join(sub, 'shadow_hl'));
    const r = await runSubmission({ submission: sub, sandbox: level, settings: settings(), limits: SMALL });
    expect(r.end).toBe('error');
    expect(r.error).toBe(
      `submission file shadow_hl is a hard link (it has 2 names; its other name may be any file of the host, such as /etc/shadow): refused; copy the file instead of linking it (cp, not ln) (in ${sub})`,
    );
    expect(r.trace).toEqual([]);
    expect(readFileSync(secret, 'utf8')).toBe('root secret\n');
    expect(statSync(secret).mode & 0o777).toBe(0o600);
  });

  test('a link inside the submission works, and is the run\'s own', async () => {
    const sub = writeSubmission({ 'main.py': src('symlink_escape.py'), 'data.txt': 'mine\n' });
    symlinkSync('data.txt', path.join(sub, 'alias'));
    const r = await runSubmission({ submission: sub, sandbox: level, settings: settings(sysPy && level === 'rlimit' ? { interpreter: sysPy } : {}), limits: SMALL });
    const lines = texts(r);
    expect(lines.find((l) => l.startsWith('LINK alias'))).toBeDefined();
    expect(lines).toContain('WROTE alias');
    expect(readFileSync(path.join(sub, 'data.txt'), 'utf8')).toBe('mine\n'); // the original is never written
  });

  test('a submission that is a link to another student: refused, naming the target', async () => {
    const bob = writeSubmission({ 'main.py': 'print("bob")\n' });
    const alice = path.join(tempDir(), 'alice');
    symlinkSync(bob, alice);
    const r = await runSubmission({ submission: alice, sandbox: level, settings: settings(), limits: SMALL });
    expect(r.end).toBe('error');
    expect(r.error).toBe(`submission ${alice} is a symbolic link (to ${bob}): refused; grade the folder it points to by its own path`);
  });

  test('a 1 GiB sparse file: "submission too large", quickly', async () => {
    const sub = writeSubmission({ 'main.py': src('sparse_file.py'), 'data.bin': '' });
    truncateSync(path.join(sub, 'data.bin'), 1 << 30);
    const t0 = Date.now();
    const r = await runSubmission({ submission: sub, sandbox: level, settings: settings(), limits: SMALL });
    expect(r.end).toBe('error');
    expect(r.error).toMatch(/^submission too large: .*\(limit 64 MiB; raise it with TRACEGRADE_SUBMISSION_MAX_BYTES=…\)/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

const rootRlimit = linux && isRoot && sysPy ? describe : describe.skip;

rootRlimit('rlimit as root: a uid of its own per run', () => {
  const py = () => settings({ interpreter: sysPy! });

  test('two concurrent runs: different uids; one can neither kill the other, nor read its work dir, nor the harness\'s environ', async () => {
    const victimMark = marker();
    process.env.GITHUB_TOKEN_FAKE = 'ghp_fake_secret';
    try {
      const victim = runSubmission({ submission: path.join(HOSTILE, 'sleeper.py'), sandbox: 'rlimit', settings: settings({ interpreter: sysPy!, args: [victimMark] }), limits: { ...SMALL, wallMs: 4000 } });
      await new Promise((r) => setTimeout(r, 1200)); // the victim is running
      const attacker = await runSubmission({
        submission: path.join(HOSTILE, 'neighbor.py'),
        sandbox: 'rlimit',
        settings: settings({ interpreter: sysPy!, args: [[...victimMark].reverse().join(''), `/proc/${process.pid}/environ`, '/etc/shadow'] }),
        limits: SMALL,
      });
      const v = await victim;
      const lines = texts(attacker);
      const uidOf = (r: typeof v) => r.sandbox.mechanisms!.find((m) => m.startsWith('uid '))!.split(' ')[1];
      expect(uidOf(attacker)).not.toBe(uidOf(v));
      expect(lines).toContain(`uid ${uidOf(attacker)}`);
      expect(lines.filter((l) => l.startsWith('KILLED') || l.startsWith('READ') || l.startsWith('cwd ['))).toEqual([]);
      expect(lines.filter((l) => l.startsWith('kill denied')).length).toBeGreaterThan(0);
      expect(Number(lines.find((l) => l.startsWith('victim processes seen:'))!.split(': ')[1])).toBeGreaterThan(0);
      expect(lines).toContain(`denied /proc/${process.pid}/environ (PermissionError)`);
      expect(lines).toContain('denied /etc/shadow (PermissionError)');
      expect(v.end).toBe('timeout'); // killed by its own limit, not by the neighbour
    } finally {
      delete process.env.GITHUB_TOKEN_FAKE;
      killAllWith(victimMark);
    }
  });

  test('leftovers of a uid: its setsid daemon is killed and its /tmp file removed at the end of the run', async () => {
    const mark = marker();
    const r = await runSubmission({ submission: path.join(HOSTILE, 'leave_behind.py'), sandbox: 'rlimit', settings: settings({ interpreter: sysPy!, args: [mark] }), limits: SMALL });
    const uid = r.sandbox.mechanisms!.find((m) => m.startsWith('uid '))!.split(' ')[1];
    expect(texts(r)).toEqual(['start', 'parent exits']);
    expect(processesWith(mark)).toEqual([]);
    expect(existsSync(`/tmp/tg-left-${uid}`)).toBe(false);
  });

  test('never root: a pyenv interpreter under /root (0700) runs as the same Python from /usr/bin, or is refused with the fix', async () => {
    const pyenv = path.join(process.env.HOME ?? '/root', '.pyenv/versions');
    const sysVersion = (await import('node:child_process')).execFileSync(sysPy!, ['-c', 'import sys;print("%d.%d"%sys.version_info[:2])']).toString().trim();
    const { readdirSync } = await import('node:fs');
    const versions = existsSync(pyenv) ? readdirSync(pyenv) : [];
    const same = versions.find((v) => v.startsWith(`${sysVersion}.`));
    const other = versions.find((v) => !v.startsWith(`${sysVersion}.`) && /^3\.\d+\.\d+$/.test(v));
    if (same) {
      const r = await runSubmission({ submission: path.join(HOSTILE, 'whoami.py'), sandbox: 'rlimit', settings: settings({ interpreter: path.join(pyenv, same, 'bin/python3') }), limits: SMALL });
      expect(texts(r)[1]).toMatch(/^uid 6\d{4} euid 6\d{4}$/);
      expect(r.sandbox.mechanisms![0]).toMatch(/is not reachable by the run's uid: ran \/usr\/\S*python\S* \(Python [\d.]+\) instead/);
    }
    if (other) {
      await expect(
        runSubmission({ submission: path.join(HOSTILE, 'whoami.py'), sandbox: 'rlimit', settings: settings({ interpreter: path.join(pyenv, other, 'bin/python3') }), limits: SMALL }),
      ).rejects.toThrow(/is not reachable by an unprivileged uid .* never runs a submission as root; use an interpreter outside \/root/);
    }
    expect(same ?? other).toBeDefined(); // this machine has pyenv interpreters; elsewhere this test has nothing to show
  });

  test('a fresh uid has no other process: RLIMIT_NPROC is exactly the process limit; the record says what is not protected', async () => {
    const r = await runSubmission({ submission: path.join(HOSTILE, 'whoami.py'), sandbox: 'rlimit', settings: py(), limits: SMALL });
    expect(r.sandbox.mechanisms).toContain('RLIMIT_NPROC 64');
    expect(r.sandbox.notProtected).toContain('the network is open');
  });
});

const rootOnly = linux && isRoot ? describe : describe.skip;

rootOnly('fail closed as root', () => {
  const saved = process.env.TRACEGRADE_ACCEPT_NO_ISOLATION;
  beforeEach(() => delete process.env.TRACEGRADE_ACCEPT_NO_ISOLATION);
  afterEach(() => {
    if (saved !== undefined) process.env.TRACEGRADE_ACCEPT_NO_ISOLATION = saved;
  });

  test.each(['rlimit', 'none'] as const)('%s without the opt-in: refused, saying what it gives up and the fix', async (level) => {
    const run = runSubmission({ submission: path.join(HOSTILE, 'whoami.py'), sandbox: level, settings: settings(), limits: SMALL });
    await expect(run).rejects.toThrow(SandboxUnavailableError);
    await expect(run).rejects.toThrow(new RegExp(`refusing to run submissions as root at the '${level}' sandbox level.*Install bubblewrap.*--accept-no-isolation`));
  });

  test('with --accept-no-isolation (or the environment variable) it runs, and the record says what is not protected', async () => {
    const r = await runSubmission({ submission: path.join(HOSTILE, 'whoami.py'), sandbox: 'none', acceptNoIsolation: true, settings: settings(), limits: SMALL });
    expect(texts(r)[0]).toBe('start');
    expect(r.sandbox.notProtected![0]).toMatch(/runs as ROOT/);
    process.env.TRACEGRADE_ACCEPT_NO_ISOLATION = '1';
    const r2 = await runSubmission({ submission: path.join(HOSTILE, 'whoami.py'), sandbox: 'none', settings: settings(), limits: SMALL });
    expect(r2.end).toBe('exited');
  });
});
