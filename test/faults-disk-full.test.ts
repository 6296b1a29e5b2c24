/**
 * Faults are reported, never silent: the compiled CLI grades 8 submissions with --out on a real
 * full disk (a 200 KiB tmpfs, mounted as root; skipped with the reason where mount is not
 * allowed). Every failed write is named with its reason, the exit status is 4, nothing graded is
 * lost (each score is on disk or on stdout), and index.html links only to pages that exist.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realPython, removeDir, tempDir, writeTree } from './batch-helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'tracegrade.js');

function tryMount(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `mount failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
}

// Leaves room for the stored results and results.json, not for every page.
const FILLER_KIB = Number(process.env.TG_FILLER_KIB ?? 100);

const SPEC = `name: disk
title: Disk
run: { runtime: python, entry: main.py, clock: real }
checks:
  - { id: says-done, title: Prints done, points: 1, exists: done }
`;

describe('a full disk under --out', () => {
  let root: string;
  let out: string;
  let skip: string | undefined;
  beforeAll(() => {
    root = tempDir('tg-disk-');
    out = join(root, 'out');
    mkdirSync(out);
    skip = tryMount(out, '200k');
    if (skip) console.warn(`skipping the full-disk test: ${skip}`);
    const files: Record<string, string> = { 'spec.yaml': SPEC };
    // Enough output that the reports need more room than is left.
    for (let i = 0; i < 8; i++) files[`subs/s${i}/main.py`] = `for k in range(40): print('line', k, 'x' * 60)\nprint('done')\n`;
    writeTree(root, files);
  });
  afterAll(() => {
    if (!skip) spawnSync('umount', [out]);
    removeDir(root);
  });

  test('every failure is named, exit 4, no score lost, no dead link', () => {
    if (skip) return;
    writeFileSync(join(out, 'filler'), Buffer.alloc(FILLER_KIB * 1024));
    const r = spawnSync(process.execPath, [BIN, 'grade', join(root, 'spec.yaml'), join(root, 'subs'), '--out', out, '--sandbox', 'none', '--python', realPython(), '--jobs', '2'], {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ACTIONS: '', CI: '' },
    });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/no space left on device \(ENOSPC\)/);
    expect(r.stderr).not.toMatch(/Written: nothing/);
    // "Written:" tells the truth: every report file on disk is in it.
    const written = /Written: (.*)$/m.exec(r.stderr)?.[1] ?? '';
    for (const f of ['results.json', 'junit.xml', 'index.html']) if (existsSync(join(out, f))) expect(written).toContain(f);
    if (existsSync(join(out, 'gradescope')) && readdirSync(join(out, 'gradescope')).some((f) => f.endsWith('.json'))) expect(written).toContain('gradescope');
    // Each failed file is named.
    for (const m of r.stderr.matchAll(/could not (?:store the result of \S+ in|write) (\S+?):/g)) expect(m[1]!.length).toBeGreaterThan(0);

    // No score lost: each submission is in results.json on disk, or its line is on stdout.
    const resultsFile = join(out, 'results.json');
    const onDisk = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { submissions: { id: string }[] }).submissions.map((s) => s.id)
      : [];
    for (let i = 0; i < 8; i++) {
      const id = `s${i}`;
      expect([id, onDisk.includes(id) || new RegExp(`^✓ ${id} `, 'm').test(r.stdout)]).toEqual([id, true]);
    }
    // Stored results that exist are whole (atomic writes), and each missing one was reported.
    const store = join(out, '.tracegrade', 'results', 'disk');
    const stored = existsSync(store) ? readdirSync(store).filter((f) => f.endsWith('.json')) : [];
    for (const f of stored) expect(() => JSON.parse(readFileSync(join(store, f), 'utf8'))).not.toThrow();
    for (let i = 0; i < 8; i++) {
      if (!stored.includes(`s${i}.json`)) expect(r.stderr).toContain(`could not store the result of disk/s${i}`);
    }
    // index.html, if written, links only to pages that exist.
    const index = join(out, 'index.html');
    if (existsSync(index)) {
      for (const m of readFileSync(index, 'utf8').matchAll(/href="(submissions\/[^"#]+)"/g)) {
        expect([m[1], existsSync(join(out, m[1]!))]).toEqual([m[1], true]);
      }
    }
  }, 120_000);
});

describe('a page that cannot be written (any user)', () => {
  test('index.html is written without a link to it, and the failure names the page', async () => {
    const { htmlReporter } = await import('../src/report/html.js');
    const { PartialWriteError } = await import('../src/report/atomic.js');
    const { classResults } = await import('./fixtures/results/fetch-and-count.js');
    const { fakeContext } = await import('./fixtures/results/helpers.js');
    const ctx = fakeContext();
    // A folder where crash.html should go: the rename fails (EISDIR), like a full disk would.
    mkdirSync(join(ctx.outDir, 'submissions', 'fetch-and-count', 'crash.html'), { recursive: true });
    const err = await htmlReporter.write(classResults(), ctx).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PartialWriteError);
    const e = err as InstanceType<typeof PartialWriteError>;
    expect(e.failures.map((f) => f.file)).toEqual([join(ctx.outDir, 'submissions', 'fetch-and-count', 'crash.html')]);
    expect(e.written).toContain(join(ctx.outDir, 'index.html'));
    const html = readFileSync(join(ctx.outDir, 'index.html'), 'utf8');
    expect(html).not.toContain('href="submissions/fetch-and-count/crash.html"');
    expect(html).toContain('href="submissions/fetch-and-count/late-done.html"');
  });
});
