/** A run whose trace was forged (RunRecord.tampered): every reporter says so, with the reason, and scores 0. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeReports } from '../src/report/index.js';
import { renderSubmission, renderSummaryLine } from '../src/report/terminal.js';
import { toGradescope } from '../src/report/gradescope.js';
import { renderJunit } from '../src/report/junit.js';
import { annotations, summaryLines } from '../src/report/github.js';
import { classResults, reference, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

const REASON = 'timestamps run backwards (forged start marker)';
function forged() {
  const s = reference();
  s.runs[0]!.tampered = REASON;
  return s; // its checks all passed on the forged trace: the credit model must still give 0
}

test('terminal: the banner and the summary line', () => {
  const s = forged();
  const out = renderSubmission(s, { color: false, showHidden: true });
  expect(out).toContain(`flagged for review — trace tampered: ${REASON} (score 0)`);
  expect(out).toMatch(/Score 0\/13 \(0%\)/);
  expect(renderSummaryLine(s)).toBe(`⚑ reference  0/13 (0%)  fetch-and-count  flagged for review: trace tampered: ${REASON}`);
});

test('gradescope: score 0, the reason in the output, flagged in extra_data', () => {
  const g = toGradescope(forged());
  expect(g.score).toBe(0);
  expect(g.tests.every((t) => t.score === 0)).toBe(true);
  expect(g.output).toContain(`Flagged for review — trace tampered: ${REASON}`);
  expect(g.extra_data).toMatchObject({ tampered: REASON, flagged_for_review: true });
});

test('junit: an error test case with the reason; score 0', () => {
  const xml = renderJunit(singleResults(forged()));
  expect(xml).toContain(`<error message="trace tampered: ${REASON}" type="tampered">`);
  expect(xml).toContain('<property name="score" value="0"/>');
  expect(xml).toMatch(/errors="1"/);
});

test('github: an annotation and the summary row', () => {
  const r = { ...classResults({ withGarbage: false }), submissions: [forged(), reference()] };
  r.submissions[1]!.id = 'other';
  const notes = annotations(r, { cwd: '/work/main', showHidden: true });
  expect(notes[0]).toMatchObject({ title: 'reference: flagged for review', message: `trace tampered: ${REASON}` });
  const md = summaryLines(r, { showHidden: true }).join('\n');
  expect(md).toContain(`| reference | 0/13 | 🚩 flagged for review | trace tampered: ${REASON} |`);
  expect(md).toContain('1 at full marks · 1 flagged for review');
});

test('every file report written by writeReports carries it', async () => {
  const ctx = fakeContext();
  ctx.outDir = tempDir();
  const files = await writeReports(singleResults(forged()), ctx, ['json', 'junit', 'html', 'gradescope']);
  const text = (rel: string) => readFileSync(join(ctx.outDir, rel), 'utf8');
  expect(files.length).toBeGreaterThan(3);
  expect(JSON.parse(text('results.json')).submissions[0].runs[0].tampered).toBe(REASON);
  expect(text('index.html')).toContain(`trace tampered:</strong> ${REASON}`);
  expect(text('junit.xml')).toContain('type="tampered"');
  expect(JSON.parse(text('gradescope/results.json')).score).toBe(0);
});
