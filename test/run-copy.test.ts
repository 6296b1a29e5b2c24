/**
 * The submission's copy: links never followed (kept only inside the submission), a submission
 * that is itself a link refused, and bytes, file count and copy time bounded with a clear message.
 */

import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepareWorkDir, SubmissionError } from '../src/run/index.js';
import { HOSTILE, removeTempDirs, settings, tempDir, writeSubmission } from './run-helpers.js';

afterAll(removeTempDirs);
const py = settings();

function rootOnlyFile(): string {
  const f = path.join(tempDir('tg-secret-'), 'shadow');
  writeFileSync(f, 'root secret\n', { mode: 0o600 });
  return f;
}

describe('links in a submission', () => {
  test('a link out of the submission (to a root-only file) is refused, naming the link; the target is untouched', async () => {
    const secret = rootOnlyFile();
    const before = statSync(secret);
    const sub = writeSubmission({ 'main.py': readFileSync(path.join(HOSTILE, 'symlink_escape.py'), 'utf8') });
    // Relative, with enough '..' to reach / from wherever the copy lands.
    symlinkSync('../'.repeat(20) + secret.slice(1), path.join(sub, 'secret_link'));
    await expect(prepareWorkDir(sub, py)).rejects.toThrow(/submission link secret_link -> \S+shadow points outside the submission/);
    const after = statSync(secret);
    expect([after.uid, after.mode]).toEqual([before.uid, before.mode]);
  });

  test('an absolute link, a dangling link, a directory link out and a link chain that climbs out: each refused', async () => {
    const cases: [string, (sub: string) => void, RegExp][] = [
      ['absolute', (s) => symlinkSync('/etc/passwd', path.join(s, 'abs')), /link abs -> \/etc\/passwd is absolute/],
      ['dangling', (s) => symlinkSync('nothing-here', path.join(s, 'gone')), /link gone -> nothing-here points to nothing/],
      ['dir', (s) => symlinkSync('../../../../../../root', path.join(s, 'home')), /link home -> \S+ points (outside|to nothing)/],
      [
        'chain',
        (s) => {
          // Lexically d2/../d/up/../.. is the submission itself; the kernel resolves d/up first and climbs out.
          mkdirSync(path.join(s, 'd'));
          mkdirSync(path.join(s, 'd2'));
          symlinkSync('..', path.join(s, 'd', 'up'));
          symlinkSync('../d/up/../..', path.join(s, 'd2', 'x'));
        },
        /link d2\/x -> \.\.\/d\/up\/\.\.\/\.\. points outside/,
      ],
    ];
    for (const [, make, msg] of cases) {
      const sub = writeSubmission({ 'main.py': 'print(1)\n' });
      make(sub);
      await expect(prepareWorkDir(sub, py)).rejects.toThrow(msg);
    }
  });

  test('a link inside the submission is kept as a link', async () => {
    const sub = writeSubmission({ 'main.py': 'import helper\n', 'real_helper.py': 'x = 1\n' });
    symlinkSync('real_helper.py', path.join(sub, 'helper.py'));
    const w = await prepareWorkDir(sub, py);
    expect(lstatSync(path.join(w.dir, 'helper.py')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(w.dir, 'helper.py'), 'utf8')).toBe('x = 1\n');
    await w.cleanup();
  });

  test('a submission folder that is itself a link (to another student) is refused, saying what it points to', async () => {
    const bob = writeSubmission({ 'main.py': 'print("bob")\n' });
    const alice = path.join(tempDir(), 'alice');
    symlinkSync(bob, alice);
    await expect(prepareWorkDir(alice, py)).rejects.toThrow(new RegExp(`submission ${alice} is a symbolic link \\(to ${bob}\\): refused`));
    const single = path.join(tempDir(), 'single.py');
    symlinkSync('/etc/passwd', single);
    await expect(prepareWorkDir(single, py)).rejects.toThrow(SubmissionError);
  });

  test('a FIFO (or device) in a submission: refused at once, never opened (opening a FIFO blocks)', async () => {
    const sub = writeSubmission({ 'main.py': 'print(1)\n' });
    (await import('node:child_process')).execFileSync('mkfifo', [path.join(sub, 'pipe')]);
    const t0 = Date.now();
    await expect(prepareWorkDir(sub, py)).rejects.toThrow(/submission entry pipe is not a regular file, folder or link/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('setuid bits never reach the copy', async () => {
    const sub = writeSubmission({ 'main.py': 'print(1)\n' });
    const { chmodSync } = await import('node:fs');
    chmodSync(path.join(sub, 'main.py'), 0o4755);
    const w = await prepareWorkDir(sub, py);
    expect(statSync(path.join(w.dir, 'main.py')).mode & 0o7777).toBe(0o755);
    await w.cleanup();
  });
});

describe('a bounded copy', () => {
  test('a 1 GiB sparse file: "submission too large" before 1 GB reaches /tmp, with the limit and how to raise it', async () => {
    const sub = writeSubmission({ 'main.py': readFileSync(path.join(HOSTILE, 'sparse_file.py'), 'utf8') });
    writeFileSync(path.join(sub, 'data.bin'), '');
    truncateSync(path.join(sub, 'data.bin'), 1 << 30);
    const t0 = Date.now();
    await expect(prepareWorkDir(sub, py)).rejects.toThrow(
      /^submission too large: more than 64 MiB of files \(data\.bin is 1024 MiB, sparse: 0 B allocated\) \(limit 64 MiB; raise it with TRACEGRADE_SUBMISSION_MAX_BYTES=…\)/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test('too many files and too slow a copy: refused with the limit', async () => {
    const sub = writeSubmission({ 'main.py': 'print(1)\n' });
    for (let i = 0; i < 60; i++) writeFileSync(path.join(sub, `f${i}.txt`), 'x');
    await expect(prepareWorkDir(sub, py, { files: 50 })).rejects.toThrow(/submission too large: more than 50 files \(limit 50 files; raise it with TRACEGRADE_SUBMISSION_MAX_FILES=…\)/);
    await expect(prepareWorkDir(sub, py, { ms: 1e-9 })).rejects.toThrow(/submission too large: copying took longer than 0 ms .*TRACEGRADE_SUBMISSION_COPY_MS/);
    const w = await prepareWorkDir(sub, py, { files: 100 });
    expect(w.bytes).toBe(60 + 'print(1)\n'.length);
    await w.cleanup();
  });

  test('the environment raises the limit', async () => {
    const sub = writeSubmission({ 'main.py': 'print(1)\n' });
    writeFileSync(path.join(sub, 'big.bin'), Buffer.alloc(2048));
    process.env.TRACEGRADE_SUBMISSION_MAX_BYTES = '1024';
    try {
      await expect(prepareWorkDir(sub, py)).rejects.toThrow(/limit 1 KiB/);
    } finally {
      delete process.env.TRACEGRADE_SUBMISSION_MAX_BYTES;
    }
  });
});
