// page.evaluate() callbacks run in Chromium and use DOM types.
/// <reference lib="dom" />
/**
 * A curriculum's class page (issue 12): twelve specs, each a collapsible, navigable section with
 * its own figures (works without JavaScript: <details>/<summary> and a table of contents), short
 * while folded, and free of axe violations (landmark-unique among them). A tampered submission
 * shows as flagged for review, score 0, on every page.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { htmlReporter } from '../src/report/html.js';
import type { GradeResults, SubmissionResult } from '../src/score/types.js';
import { classResults, crash, lateDone, reference, sequential } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext } from './fixtures/results/helpers.js';
import { needs, pathOf } from './facilities.js';

afterAll(cleanupTempDirs);

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SPECS = 12;

function curriculum(): GradeResults {
  const subs: SubmissionResult[] = [];
  for (let k = 0; k < SPECS; k++) {
    for (const make of [reference, sequential, lateDone, crash]) {
      const s = make();
      s.spec = `lesson-${String(k + 1).padStart(2, '0')}`;
      s.specTitle = `Lesson ${k + 1}: ${s.specTitle}`;
      subs.push(s);
    }
  }
  // One forged trace: flagged for review, score 0.
  subs[1]!.runs[0]!.tampered = 'start marker missing from the parent-observed stream';
  return { ...classResults(), submissions: subs };
}

let browser: Browser;
let dir: string;
beforeAll(async () => {
  const ctx = fakeContext();
  dir = ctx.outDir;
  await htmlReporter.write(curriculum(), ctx);
});
afterAll(async () => browser?.close());

// The page in a real browser: skipped, saying so, where Chromium is missing.
const inChromium = needs('chromium');
const launched = (): Promise<Browser> =>
  chromium.launch({ executablePath: pathOf('chromium'), args: ['--headless', '--no-sandbox', '--disable-gpu'] });

async function open(file: string, javaScriptEnabled = true) {
  browser ??= await launched();
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
  await page.goto(pathToFileURL(join(dir, file)).href);
  return { page, errors, close: () => context.close() };
}

inChromium.test('each spec is a folded section with its own summary, reached from the table of contents, without JavaScript', async () => {
  const { page, errors, close } = await open('index.html', false);
  try {
    expect(await page.locator('details.spec').count()).toBe(SPECS);
    expect(await page.locator('details.spec[open]').count()).toBe(0);
    // Folded, the page is short (it was 70,000 px with every submission inline).
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(4000);
    const summary = page.locator('#spec-lesson-03 > summary');
    expect(await summary.locator('h2').textContent()).toBe('Lesson 3: Fetch data while counting — two tasks overlap lesson-03');
    expect(await summary.locator('.spec-sum').textContent()).toMatch(/^4 submissions · mean \d+\.\d% · 1 at full marks · 0 could not grade$/);
    // The table of contents and the navigation bar link to every section.
    for (let k = 1; k <= SPECS; k++) {
      const a = `#spec-lesson-${String(k).padStart(2, '0')}`;
      expect(await page.locator(`#class table a[href="${a}"]`).count()).toBe(1);
      expect(await page.locator(`nav.toc a[href="${a}"]`).count()).toBe(1);
    }
    await summary.click();
    expect(await page.locator('#spec-lesson-03').getAttribute('open')).not.toBeNull();
    expect(await page.locator('#spec-lesson-03 figure svg').isVisible()).toBe(true);
    expect(await page.locator('#spec-lesson-03 table.subs tbody tr').count()).toBe(4);
    // The figures are per spec: four submissions, 1 at full marks.
    expect(await page.locator('#spec-lesson-03 table.subs tr[data-state="full"]').count()).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

inChromium.test('the filter searches every spec and opens the sections it finds something in', async () => {
  const { page, errors, close } = await open('index.html');
  try {
    await page.fill('#filter', 'late-done');
    expect(await page.locator('#count').textContent()).toBe(`${SPECS} of ${SPECS * 4} shown`);
    expect(await page.locator('details.spec[open]').count()).toBe(SPECS);
    await page.fill('#filter', '');
    await page.selectOption('#state', 'tampered');
    expect(await page.locator('#count').textContent()).toBe(`1 of ${SPECS * 4} shown`);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

inChromium.test('axe-core: no violations on the curriculum page, every section open (landmark-unique among them)', async () => {
  const { page, close } = await open('index.html');
  try {
    await page.$$eval('details', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
    });
    expect(violations).toEqual([]);
  } finally {
    await close();
  }
});

test('a tampered trace: flagged for review with its reason and score 0, on the class page and the submission\'s pages', () => {
  const reason = 'start marker missing from the parent-observed stream';
  const index = readFileSync(join(dir, 'index.html'), 'utf8');
  const row = index.slice(index.indexOf('<tr data-state="tampered">'), index.indexOf('</tr>', index.indexOf('<tr data-state="tampered">')));
  expect(row).toContain('⚑ flagged for review');
  expect(row).toContain(`trace tampered: ${reason}`);
  expect(row).toMatch(/data-sort="0">0\/\d+</);
  for (const page of ['detail/lesson-01/sequential.html', 'submissions/lesson-01/sequential.html']) {
    const html = readFileSync(join(dir, page), 'utf8');
    expect(html).toContain(`<strong>Flagged for review — trace tampered:</strong> ${reason}`);
    expect(html).toMatch(/<span class="score">(score on visible checks: )?0\/\d+ points \(0%\)<\/span>/);
  }
});
