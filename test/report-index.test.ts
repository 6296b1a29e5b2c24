import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REPORTERS, reporters, writeReports } from '../src/report/index.js';
import type { Reporter } from '../src/report/types.js';
import { classResults, lateDone, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

describe('writeReports', () => {
  test('writes every file format by default into a fresh out dir (created as needed)', async () => {
    const ctx = fakeContext();
    ctx.outDir = join(tempDir(), 'nested', 'reports');
    const files = await writeReports(singleResults(lateDone()), ctx);
    expect(files.map((f) => f.slice(ctx.outDir.length + 1))).toEqual([
      'results.json',
      'junit.xml',
      'index.html',
      'submissions/fetch-and-count/late-done.html',
      'gradescope/results.json',
    ]);
    for (const f of files) expect(existsSync(f)).toBe(true);
    // No temp files left behind by the atomic writes; .tracegrade holds what was written (to skip it next time).
    expect(readdirSync(ctx.outDir).sort()).toEqual(['.tracegrade', 'gradescope', 'index.html', 'junit.xml', 'results.json', 'submissions']);
    expect(readdirSync(join(ctx.outDir, '.tracegrade')).every((f) => /^written-\w+\.json$/.test(f))).toBe(true);
    expect(readdirSync(join(ctx.outDir, 'submissions', 'fetch-and-count'))).toEqual(['late-done.html']);
    expect(ctx.out()).toBe(''); // the terminal reporter only runs when named
  });

  test('named reporters only; GitHub joins in under Actions', async () => {
    const summary = join(tempDir(), 'summary.md');
    const ctx = fakeContext({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    const files = await writeReports(classResults({ withGarbage: false }), ctx, ['json', 'github', 'terminal']);
    expect(files).toEqual([join(ctx.outDir, 'results.json'), summary]);
    expect(ctx.out()).toMatch(/^::error /m);
    expect(ctx.out()).toMatch(/^✗ late-done {2}9\/13/m);
    expect(readFileSync(summary, 'utf8')).toContain('### Submissions');
  });

  test('an unknown name is an error before anything is written', async () => {
    const ctx = fakeContext();
    await expect(writeReports(classResults(), ctx, ['json', 'pdf'])).rejects.toThrow(
      "unknown reporter 'pdf'; known: json, junit, html, gradescope, github, terminal",
    );
    expect(existsSync(join(ctx.outDir, 'results.json'))).toBe(false);
  });

  test('a failing reporter does not stop the others, and is reported', async () => {
    const broken: Reporter = { name: 'broken', write: async () => Promise.reject(new Error('disk on fire')) };
    reporters.broken = broken;
    try {
      const ctx = fakeContext();
      await expect(writeReports(classResults(), ctx, ['broken', 'json'])).rejects.toThrow(/broken: disk on fire.*results\.json/);
      expect(existsSync(join(ctx.outDir, 'results.json'))).toBe(true);
    } finally {
      delete reporters.broken;
    }
  });

  test('the registry names match the reporters', () => {
    for (const [name, r] of Object.entries(reporters)) expect(r.name).toBe(name);
    for (const n of DEFAULT_REPORTERS) expect(reporters[n]).toBeDefined();
  });
});

test('edge cases every writer survives: no submissions, and a program that printed nothing', async () => {
  const empty = { ...classResults(), submissions: [] };
  const ctx = fakeContext({ GITHUB_ACTIONS: 'true' });
  const files = await writeReports(empty, ctx, ['json', 'junit', 'html', 'gradescope', 'github', 'terminal']);
  expect(files.map((f) => f.slice(ctx.outDir.length + 1))).toEqual(['results.json', 'junit.xml', 'index.html']);
  expect(readFileSync(files[1]!, 'utf8')).toContain('<testsuites name="tracegrade" tests="0" failures="0" errors="0" time="0.000">');
  // No submission, no student text: no ::stop-commands:: fence around the line.
  expect(ctx.out()).toBe('0 submissions: 0 at full marks, mean 0.0%\n');

  const silent = lateDone();
  silent.runs[0]!.trace = [];
  for (const c of silent.checks) c.lines = [];
  const ctx2 = fakeContext();
  const [, , html] = await writeReports(singleResults(silent), ctx2, ['json', 'junit', 'html']);
  expect(readFileSync(html!, 'utf8')).toContain('The program printed nothing.');
  expect(readFileSync(html!, 'utf8')).toContain('0 stdout and 0 stderr lines over 2.58 s.');
});
