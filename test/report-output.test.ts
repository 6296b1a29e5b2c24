/**
 * Writing reports only where something changed (issue 15: `--resume` of a finished run rewrote
 * every report): a second writeReports of the same results renders and writes nothing; a
 * changed submission rewrites its own files and the class files only; a file edited or deleted
 * by hand is written again; no temp file is left behind.
 */

import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeReports } from '../src/report/index.js';
import { classResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

const REPORTERS = ['json', 'junit', 'html', 'gradescope'];

function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return out;
}

const changed = (a: Map<string, number>, b: Map<string, number>) => [...b].filter(([f, t]) => a.get(f) !== t).map(([f]) => f).filter((f) => !f.startsWith('.tracegrade')).sort();

test('the same results twice: nothing is written the second time', async () => {
  const ctx = fakeContext();
  const files = await writeReports(classResults(), ctx, REPORTERS);
  const before = snapshot(ctx.outDir);
  await new Promise((r) => setTimeout(r, 20)); // a rewrite would get a later mtime
  expect(await writeReports(classResults(), ctx, REPORTERS)).toEqual(files);
  expect(changed(before, snapshot(ctx.outDir))).toEqual([]);
  expect([...snapshot(ctx.outDir).keys()].filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('one submission changed: its pages and the class-wide files are rewritten, no other', async () => {
  const ctx = fakeContext();
  await writeReports(classResults(), ctx, REPORTERS);
  const before = snapshot(ctx.outDir);
  await new Promise((r) => setTimeout(r, 20));
  const next = classResults();
  const late = next.submissions.find((s) => s.id === 'late-done')!;
  late.checks[0]!.message += ' (re-graded)';
  await writeReports(next, ctx, REPORTERS);
  expect(changed(before, snapshot(ctx.outDir))).toEqual([
    'detail/fetch-and-count/late-done.html',
    'gradescope/late-done.json',
    'index.html',
    'junit.xml',
    'results.json',
    'submissions/fetch-and-count/late-done.html',
  ]);
  expect(readFileSync(join(ctx.outDir, 'detail', 'fetch-and-count', 'late-done.html'), 'utf8')).toContain('(re-graded)');
});

test('a file edited or deleted by hand is written again', async () => {
  const ctx = fakeContext();
  await writeReports(classResults(), ctx, REPORTERS);
  const page = join(ctx.outDir, 'detail', 'fetch-and-count', 'crash.html');
  const good = readFileSync(page, 'utf8');
  writeFileSync(page, 'edited');
  unlinkSync(join(ctx.outDir, 'index.html'));
  await writeReports(classResults(), ctx, REPORTERS);
  expect(readFileSync(page, 'utf8')).toBe(good);
  expect(readFileSync(join(ctx.outDir, 'index.html'), 'utf8')).toContain('Class overview');
});

test('a damaged record of what was written only means writing everything again', async () => {
  const ctx = fakeContext();
  await writeReports(classResults(), ctx, ['html']);
  writeFileSync(join(ctx.outDir, '.tracegrade', 'written-html.json'), '{not json');
  const before = snapshot(ctx.outDir);
  await new Promise((r) => setTimeout(r, 20));
  await writeReports(classResults(), ctx, ['html']);
  expect(changed(before, snapshot(ctx.outDir))).toContain('index.html');
  expect(JSON.parse(readFileSync(join(ctx.outDir, '.tracegrade', 'written-html.json'), 'utf8'))['index.html'].key).toMatch(/^[\w-]{43}$/);
});
