// page.evaluate() callbacks run in Chromium and use DOM types.
/// <reference lib="dom" />
/**
 * Invisible characters (bidi overrides and isolates, zero-width characters, other format
 * characters) reach no writer raw: each shows as a visible ⟨U+XXXX⟩ marker, in the terminal,
 * plain text, JUnit, GitHub (annotations and summary), Gradescope and HTML — the HTML checked in
 * real headless Chromium (skipped with a reason when /usr/bin/chromium is absent). The same
 * characters printed by a submission (test/hostile/bidi_output.py) and graded by the CLI at every
 * sandbox level: test/run-hostile-cli.test.ts.
 */

import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { annotationLines, annotations, summaryLines } from '../src/report/github.js';
import { gradescopeReporter } from '../src/report/gradescope.js';
import { htmlReporter } from '../src/report/html.js';
import { junitReporter } from '../src/report/junit.js';
import { renderSubmission } from '../src/report/terminal.js';
import { excerptText } from '../src/report/text.js';
import { marker, visible } from '../src/report/visible.js';
import type { GradeResults } from '../src/score/types.js';
import { lateDone, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

const INVISIBLE = [
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069], // bidi embeddings, overrides, isolates
  ...[0x200b, 0x200c, 0x200d, 0x2060, 0xfeff], // zero-width
  ...[0x200e, 0x200f, 0x061c, 0x00ad, 0x2028, 0x2029, 0xe0041, 0x3164], // marks, soft hyphen, separators, a tag, a filler
];
const RAW = new RegExp(`[${INVISIBLE.map((c) => String.fromCodePoint(c)).join('')}]`, 'u');

/** "the grade is 0" that a bidi override makes read "the grade is 01" … and friends. */
const TRICK = 'grade: \u202E01\u202C done\u200Bfetching \u2066x\u2069';

function trickResults(): GradeResults {
  const s = lateDone();
  s.runs[0]!.trace[0]!.text = TRICK;
  for (const c of s.checks) {
    c.message = `${c.message} Printed '${TRICK}'.`;
    c.status = 'failed';
    c.lines = [{ ...c.lines[0]!, index: 0, text: TRICK, tMs: s.runs[0]!.trace[0]!.tMs, stream: 'stdout', role: 'offending' }];
  }
  return singleResults(s);
}

describe('visible()', () => {
  test.each(INVISIBLE.map((c) => [c.toString(16)]))('U+%s becomes a marker', (hex) => {
    const c = String.fromCodePoint(parseInt(hex, 16));
    expect(visible(`a${c}b`)).toBe(`a${marker(parseInt(hex, 16))}b`);
  });

  test('emoji, accents, CJK and right-to-left letters stay as they are', () => {
    const s = '🎉 café 日本 שלום 👨‍👩‍👧'.replace(/\u200d/g, ''); // a ZWJ sequence without its joiners
    expect(visible(s)).toBe(s);
    expect(visible('👨\u200d👩')).toBe('👨⟨U+200D⟩👩');
  });
});

describe('every writer shows the markers', () => {
  const results = trickResults();
  const s = results.submissions[0]!;
  const outputs: Record<string, () => Promise<string>> = {
    terminal: async () => renderSubmission(s, { color: true, showHidden: true, width: 100 }),
    text: async () => excerptText(s.runs[0]!, s.checks[0]!.lines),
    junit: async () => readFileSync((await junitReporter.write(results, fakeContext()))[0]!, 'utf8'),
    'github annotations': async () => annotationLines(annotations(results, { cwd: '/', showHidden: true })).join('\n'),
    'github summary': async () => summaryLines(results, { showHidden: true }).join('\n'),
    gradescope: async () => readFileSync((await gradescopeReporter.write(results, fakeContext()))[0]!, 'utf8'),
    html: async () => readFileSync((await htmlReporter.write(results, fakeContext()))[0]!, 'utf8'),
  };
  test.each(Object.keys(outputs))('%s', async (name) => {
    const out = await outputs[name]!();
    expect(out).not.toMatch(RAW);
    // JSON writers escape nothing of this, so the marker is there as text.
    expect(out).toContain('⟨U+202E⟩');
    expect(out).toContain('⟨U+200B⟩');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipping the browser test of invisible characters: ${CHROMIUM} is not installed`);

(haveChromium ? describe : describe.skip)('in a real browser', () => {
  test('the rendered page shows the markers and the line reads in its true order', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const file = (await htmlReporter.write(trickResults(), fakeContext()))[0]!;
      const page = await (await browser.newContext()).newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.locator('details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(RAW);
      expect(text).toContain('grade: ⟨U+202E⟩01⟨U+202C⟩ done⟨U+200B⟩fetching ⟨U+2066⟩x⟨U+2069⟩');
      // Rendered left to right as written: the "0" is drawn left of the "1" (an override would swap them).
      const order = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const t = n.textContent ?? '';
          const i = t.indexOf('⟨U+202E⟩01');
          if (i < 0) continue;
          const at = (k: number) => {
            const r = document.createRange();
            r.setStart(n!, k);
            r.setEnd(n!, k + 1);
            return r.getBoundingClientRect().left;
          };
          const zero = i + '⟨U+202E⟩'.length;
          return { zero: at(zero), one: at(zero + 1) };
        }
        return undefined;
      });
      expect(order).toBeDefined();
      expect(order!.zero).toBeLessThan(order!.one);
    } finally {
      await browser.close();
    }
  });
});
