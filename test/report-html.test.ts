// page.evaluate() callbacks run in Chromium and use DOM types.
/// <reference lib="dom" />
/**
 * The HTML report in real headless Chromium (Debian's /usr/bin/chromium via playwright-core):
 * it renders, the timeline shows what it must, filtering and sorting work, nothing is fetched,
 * it reads with JavaScript off, and axe-core finds no accessibility violations — for the class
 * page, the instructor's page of a submission (detail/<spec>/<id>.html) and the student's
 * (submissions/<spec>/<id>.html, hidden checks left out). Screenshots go to a temp folder
 * (TRACEGRADE_ARTIFACTS to choose it), never into the user's reports/.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { htmlReporter, renderDetailPage, renderHtml } from '../src/report/html.js';
import { classResults, crash, garbage, lateDone, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext } from './fixtures/results/helpers.js';
import { needs, pathOf } from './facilities.js';

afterAll(cleanupTempDirs);

/** The tests that drive a browser skip, saying why, where Chromium is missing. */
const inChromium = needs('chromium');

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ROOT = new URL('..', import.meta.url).pathname;
/** Where screenshots go: a temp folder, never the user's reports/ (npm test must not write there). */
const ARTIFACTS = process.env.TRACEGRADE_ARTIFACTS ?? join(tmpdir(), 'tracegrade-test-artifacts');

/** Every file under the user's reports/ with its size and mtime: taken before any test here runs, compared after the last. */
function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((rel) => {
      const st = statSync(join(dir, rel));
      return `${rel} ${st.isDirectory() ? 'dir' : `${st.size} ${st.mtimeMs}`}`;
    });
}
const REPORTS_BEFORE = listing(join(ROOT, 'reports'));

let browser: Browser;
let classFile: string;
let classUrl: string;
let classHtml: string;
/** The crash submission's own page: it failed the hidden check no-traceback. */
let crashUrl: string;
/** The instructor's pages of late-done and crash. */
let lateUrl: string;
let crashDetailUrl: string;

beforeAll(async () => {
  const ctx = fakeContext();
  const files = await htmlReporter.write(classResults(), ctx);
  classFile = files[0]!;
  const crashFile = files.find((f) => f.endsWith(join('submissions', 'fetch-and-count', 'crash.html')))!;
  crashUrl = pathToFileURL(crashFile).href;
  lateUrl = pathToFileURL(files.find((f) => f.endsWith(join('detail', 'fetch-and-count', 'late-done.html')))!).href;
  crashDetailUrl = pathToFileURL(files.find((f) => f.endsWith(join('detail', 'fetch-and-count', 'crash.html')))!).href;
  classUrl = pathToFileURL(classFile).href;
  classHtml = readFileSync(classFile, 'utf8');
  if (!inChromium.ok) return; // the static tests still run
  browser = await chromium.launch({
    executablePath: pathOf('chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** Open a page, recording console errors, page errors and every request. */
async function open(url: string, opts: { javaScriptEnabled?: boolean; width?: number } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: { width: opts.width ?? 1280, height: 900 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests, close: () => context.close() };
}

async function visibleRows(page: Page): Promise<string[]> {
  return page.$$eval('#submissions tbody tr', (rows) =>
    rows.filter((r) => !(r as HTMLElement).hidden && (r as HTMLElement).offsetParent !== null).map((r) => r.querySelector('a')!.textContent!),
  );
}

describe('index.html, static', () => {
  test('self-contained: no external resource, program text escaped, small despite a 5 MB line', () => {
    // Every src/href stays in the page (anchors), is inline data, or is a submission's page
    // written beside it; the only URL is the SVG namespace.
    const refs = [...classHtml.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]!);
    const pages = refs.filter((r) => /^(submissions|detail)\//.test(r));
    expect(new Set(pages).size).toBe(2 * classResults().submissions.length);
    for (const p of pages) expect(existsSync(join(dirname(classFile), p))).toBe(true);
    expect(refs.filter((r) => !r.startsWith('#') && !r.startsWith('data:') && !/^(submissions|detail)\/[\w.-]+\/[\w.-]+\.html$/.test(r))).toEqual([]);
    expect(classHtml.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
    expect(classHtml).not.toContain('<script>alert');
    expect(classHtml.length).toBeLessThan(100_000); // the class only: each submission's detail is on its page
    // The garbage submission's own page shows what it printed as text.
    const garbageHtml = readFileSync(join(dirname(classFile), 'detail', 'fetch-and-count', 'garbage.html'), 'utf8');
    expect(garbageHtml).not.toContain('<script>alert');
    expect(garbageHtml).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // eslint-disable-next-line no-control-regex
    expect(/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(garbageHtml)).toBe(false);
    expect(garbageHtml.length).toBeLessThan(400_000); // despite a 5 MB line
    expect(garbageHtml).toContain('\\x1b[31mred');
    // Anchors are unique and every in-page link lands somewhere.
    const ids = [...classHtml.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of refs.filter((x) => x.startsWith('#'))) expect(ids).toContain(r.slice(1));
  });

  test('caps the trace shown per run and says so', () => {
    const s = lateDone();
    const base = s.runs[0]!.trace;
    s.runs[0]!.trace = Array.from({ length: 1000 }, (_, i) => ({ ...base[i % base.length]!, tMs: i * 3 }));
    // The offending line sits far past the cap: it is shown anyway, with a gap marker either side.
    const done = s.checks.find((c) => c.id === 'done-around-eight')!.lines.find((l) => l.role === 'offending')!;
    done.index = 950;
    const html = renderHtml(singleResults(s), { maxTraceRows: 100 });
    expect(html).toContain('Showing 101 of 1,000 lines (the first 100 and every line a failed check refers to)');
    expect((html.match(/<tr(?: class="[^"]*")?><td class="num mono">/g) ?? []).length).toBe(101);
    expect((html.match(/⋮ lines left out/g) ?? []).length).toBe(2);
    // The first column is the number explanations cite as "trace line 951".
    expect(html).toContain('<th scope="col" class="num">trace line</th>');
    expect(html).toMatch(/<tr class="offending"><td class="num mono">951<\/td>/);
  });
});

inChromium.describe('index.html in Chromium', () => {
  test('renders the class view; each submission\'s page a timeline per run; no console error, no network request', async () => {
    const { page, errors, requests, close } = await open(classUrl);
    try {
      await expect(page.locator('h1').textContent()).resolves.toContain('Fetch data while counting');
      expect(await page.locator('#class h2').textContent()).toBe('Class overview');
      expect(await page.locator('#distribution svg').isVisible()).toBe(true);
      expect(await page.locator('svg.timeline').count()).toBe(0); // on the submissions' own pages
      expect(errors).toEqual([]);
      expect(requests).toEqual([classUrl]);
    } finally {
      await close();
    }
    // 7 submissions ran: reference, sequential, late-done, crash, timeout, garbage and flaky (3 runs).
    let timelines = 0;
    for (const id of ['reference', 'sequential', 'late-done', 'crash', 'timeout', 'garbage', 'flaky', 'no-entry']) {
      const p = await open(lateUrl.replace('late-done.html', `${id}.html`));
      timelines += await p.page.locator('svg.timeline').count();
      expect(p.errors).toEqual([]);
      await p.close();
    }
    expect(timelines).toBe(9);
    const late = await open(lateUrl);
    try {
      const { page, errors, requests } = late;
      const tl = page.locator('#s-late-done svg.timeline');
      await tl.scrollIntoViewIfNeeded();
      expect(await tl.isVisible()).toBe(true);
      const box = (await tl.boundingBox())!;
      expect(box.width).toBeGreaterThan(700);
      expect(box.height).toBeGreaterThan(150);
      expect(errors).toEqual([]);
      expect(requests).toEqual([lateUrl]);
    } finally {
      await late.close();
    }
  });

  test('the timeline shows "done fetching" after 9, highlighted, outside the expected window', async () => {
    const { page, close } = await open(lateUrl);
    try {
      const svg = page.locator('#s-late-done svg.timeline');
      const x = async (sel: string) => {
        const b = (await svg.locator(sel).first().boundingBox())!;
        return b.x + b.width / 2;
      };
      const offending = svg.locator('g.mark.offending');
      expect(await offending.count()).toBe(1);
      expect(await offending.locator('title').textContent()).toMatch(/^trace line 12, 2\.570 s stdout: done fetching — offending: expected before '8'/);
      expect(await offending.locator('text').textContent()).toBe("✗ done fetching ← expected before '8'");
      const xDone = await x('g.mark.offending path');
      const xNine = await x(`g.mark[data-index="10"] circle`);
      const xEight = await x(`g.mark[data-index="9"] circle`);
      expect(await svg.locator('g.mark[data-index="10"] title').textContent()).toMatch(/stdout: 9$/);
      expect(xDone).toBeGreaterThan(xNine);
      expect(xNine).toBeGreaterThan(xEight);
      // The failed timing check's window (1.70 s – 2.30 s) is shaded and the line falls after it.
      const win = (await svg.locator('rect.window.failed').boundingBox())!;
      expect(xDone).toBeGreaterThan(win.x + win.width);
      expect(await svg.locator('rect.window.failed title').textContent()).toContain('expected 1.70 s – 2.30 s');
      // One lane per asyncio task when the tracer ran.
      expect(await svg.locator('g.lane-task').count()).toBe(3);
      // The text alternative names the same fact.
      expect(await svg.locator('desc').textContent()).toContain("Offending: 'done fetching' at 2.57 s (expected before '8')");
    } finally {
      await close();
    }
  });

  test('filtering hides rows, sorting reorders them', async () => {
    const { page, errors, close } = await open(classUrl);
    try {
      expect(await page.locator('#controls').isVisible()).toBe(true);
      expect(await visibleRows(page)).toHaveLength(8);
      await page.fill('#filter', 'late');
      expect(await visibleRows(page)).toEqual(['late-done']);
      expect(await page.locator('#count').textContent()).toBe('1 of 8 shown');
      await page.fill('#filter', 'overlapping-runtime');
      expect(await visibleRows(page)).toEqual(['sequential', 'crash', 'timeout', 'garbage']);
      await page.fill('#filter', '');
      await page.selectOption('#state', 'error');
      expect(await visibleRows(page)).toEqual(['no-entry']);
      await page.selectOption('#state', '');

      const score = page.locator('#submissions thead th', { hasText: 'Score' });
      await score.locator('button').click();
      expect(await score.getAttribute('aria-sort')).toBe('ascending');
      let rows = await visibleRows(page);
      expect(rows.slice(0, 2).sort()).toEqual(['garbage', 'no-entry']);
      expect(rows.slice(-2).sort()).toEqual(['flaky', 'reference']);
      await score.locator('button').click();
      expect(await score.getAttribute('aria-sort')).toBe('descending');
      rows = await visibleRows(page);
      expect(rows.slice(0, 2).sort()).toEqual(['flaky', 'reference']);
      await page.locator('#submissions thead th', { hasText: 'Submission' }).locator('button').click();
      expect(await visibleRows(page)).toEqual(['crash', 'flaky', 'garbage', 'late-done', 'no-entry', 'reference', 'sequential', 'timeout']);
      // A name goes to the submission's own page.
      await page.click('#submissions a[href="detail/fetch-and-count/late-done.html"]');
      await page.waitForURL(lateUrl);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  test('with JavaScript off, everything is there (the filter box, which needs it, is not)', async () => {
    const { page, errors, requests, close } = await open(classUrl, { javaScriptEnabled: false });
    try {
      expect(await page.locator('#controls').isVisible()).toBe(false);
      expect(await visibleRows(page)).toHaveLength(8);
      expect(errors).toEqual([]);
      expect(requests).toEqual([classUrl]);
    } finally {
      await close();
    }
    const late = await open(lateUrl, { javaScriptEnabled: false });
    try {
      const { page, errors, requests } = late;
      expect(await page.locator('#s-late-done svg.timeline').isVisible()).toBe(true);
      expect(await page.locator('#s-late-done ol.checks li.failed').count()).toBe(2);
      // The trace table opens natively (details/summary): open already, it shows the failure.
      const details = page.locator('#s-late-done details.trace-details');
      if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
      expect(await page.locator('#s-late-done table.trace tr.offending td.text').textContent()).toBe('done fetching');
      // The first column is the trace line number that explanations cite ("line N").
      const n = lateDone().runs[0]!.trace.findIndex((l) => l.text === 'done fetching') + 1;
      expect(await page.locator('#s-late-done table.trace tr.offending td').first().textContent()).toBe(String(n));
      expect(errors).toEqual([]);
      expect(requests).toEqual([lateUrl]);
    } finally {
      await late.close();
    }
  });

  test('axe-core finds no accessibility violations (class view, also on a phone, and a single submission)', async () => {
    const single = fakeContext();
    const [singleFile] = await htmlReporter.write(singleResults(garbage()), single);
    // The class view wide and on a phone (tables scroll there), and one submission alone.
    const pages: Array<[string, number]> = [[classUrl, 1280], [classUrl, 390], [lateUrl, 1280], [lateUrl, 390], [pathToFileURL(singleFile!).href, 1280]];
    for (const [url, width] of pages) {
      const { page, close } = await open(url, { width });
      try {
        // Open every trace table, so its contents are checked too.
        await page.$$eval('details', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
        // Pages without a script forbid one (CSP): run axe through the browser's own channel.
        await page.evaluate(AXE);
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        });
        expect({ width, violations }).toEqual({ width, violations: [] });
      } finally {
        await close();
      }
    }
  });

  test('screenshot: a test artifact (and docs/report-screenshot.png with UPDATE_SCREENSHOT=1)', async () => {
    const cls = await open(classUrl, { width: 1200 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await cls.page.screenshot({ path: join(ARTIFACTS, 'report-class.png'), fullPage: true });
    await cls.close();
    const { page, close } = await open(lateUrl, { width: 1200 });
    try {
      const dir = ARTIFACTS;
      // The picture for the README: the late-done submission's checks and timeline.
      // Page coordinates (a full-page clip is measured from the top of the page, not the viewport).
      const clip = await page.evaluate(() => {
        const h = document.querySelector('#s-late-done h2')!.getBoundingClientRect();
        const f = document.querySelector('#s-late-done figure.timeline-wrap')!.getBoundingClientRect();
        const x = Math.max(0, h.left - 24);
        return { x, y: h.top + window.scrollY - 16, width: Math.min(document.documentElement.clientWidth - x, h.width + 48), height: f.bottom - h.top + 28 };
      });
      const png = await page.screenshot({ path: join(dir, 'report-screenshot.png'), clip, fullPage: true });
      expect(png.length).toBeGreaterThan(20_000);
      if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: join(ROOT, 'docs', 'report-screenshot.png'), clip, fullPage: true });
    } finally {
      await close();
    }
  });
});

inChromium.describe('a submission\'s own page in Chromium (submissions/<spec>/<id>.html, for the student)', () => {
  test('opens from file://: renders with its timeline, no console error, no request; hidden checks absent', async () => {
    const { page, errors, requests, close } = await open(crashUrl);
    try {
      expect(await page.locator('h1').textContent()).toBe('tracegrade — crash: Fetch data while counting — two tasks overlap');
      const tl = page.locator('svg.timeline');
      expect(await tl.count()).toBe(1);
      expect(await tl.isVisible()).toBe(true);
      const box = (await tl.boundingBox())!;
      expect(box.width).toBeGreaterThan(700);
      expect(box.height).toBeGreaterThan(150);
      // The visible check that failed on the crash is highlighted; the hidden one is nowhere.
      const offending = await tl.locator('g.mark.offending title').allTextContents();
      expect(offending).toHaveLength(1);
      expect(offending[0]).toMatch(/^trace line 10, 0\.252 s stderr: ZeroDivisionError: division by zero — .*offending \(Exits normally without a traceback\)$/);
      // The traceback's first line, offending for the hidden check on the class page, is a plain mark here.
      expect(await tl.locator('g.mark[data-index="2"]').getAttribute('class')).toBe('mark');
      expect(await tl.locator('g.mark[data-index="2"] title').textContent()).toBe('trace line 3, 0.252 s stderr: Traceback (most recent call last):');
      const body = (await page.locator('body').textContent())!;
      expect(body.includes('no-traceback')).toBe(false);
      expect(body.includes('Nothing on stderr')).toBe(false);
      const visibleChecks = crash().checks.filter((c) => c.visibility === 'visible');
      expect(await page.locator('ol.checks > li').count()).toBe(visibleChecks.length);
      expect(await page.locator('section.submission h2 .score').textContent()).toBe('score on visible checks: 1.2/12 points (10%)');
      expect(await page.locator('p.hidden-note').isVisible()).toBe(true);
      expect(await page.locator('p.hidden-note').textContent()).toMatch(/^1 more check is hidden/);
      // Explanations and hints of failed checks are there.
      expect(await page.locator('ol.checks li.failed .hint').count()).toBeGreaterThan(0);
      expect(await page.locator('dl.facts').isVisible()).toBe(true);
      expect(await page.locator('script').count()).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([crashUrl]);
    } finally {
      await close();
    }
  });

  test('the instructor\'s page keeps the hidden check; the class page links to the student\'s page', async () => {
    const detail = await open(crashDetailUrl);
    try {
      expect(await detail.page.locator('#s-crash svg.timeline g.mark[data-index="2"]').getAttribute('class')).toBe('mark hl offending');
      expect(await detail.page.locator('#s-crash ol.checks > li').count()).toBe(crash().checks.length);
      expect(detail.errors).toEqual([]);
    } finally {
      await detail.close();
    }
    const { page, errors, close } = await open(classUrl);
    try {
      await page.click('#submissions a.page-link[href="submissions/fetch-and-count/crash.html"]');
      await page.waitForURL(crashUrl);
      expect(await page.locator('section.submission h2').first().textContent()).toContain('crash');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  test('axe-core finds no accessibility violations, wide and on a phone; a screenshot artifact', async () => {
    for (const width of [1280, 390]) {
      const { page, errors, close } = await open(crashUrl, { width });
      try {
        await page.$$eval('details', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
        // The page's CSP forbids scripts: run axe through the browser's own channel instead.
        await page.evaluate(AXE);
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        });
        expect({ width, violations }).toEqual({ width, violations: [] });
        expect(errors).toEqual([]);
        if (width === 1280) {
          mkdirSync(ARTIFACTS, { recursive: true });
          const png = await page.screenshot({ path: join(ARTIFACTS, 'report-submission-page.png'), fullPage: true });
          expect(png.length).toBeGreaterThan(20_000);
        }
      } finally {
        await close();
      }
    }
  });
});

describe('index.html, size', () => {
  test('a big class: the class page stays small (no traces), each submission\'s page keeps its generous caps', () => {
    const subs = Array.from({ length: 300 }, (_, i) => {
      const s = lateDone();
      s.id = `student-${i}`;
      const base = s.runs[0]!.trace;
      s.runs[0]!.trace = Array.from({ length: 400 }, (_, j) => ({ ...base[j % base.length]!, tMs: j * 7 }));
      return s;
    });
    const results = { ...classResults(), submissions: subs };
    const html = renderHtml(results);
    // (match on extracts: a failure must not print a huge page)
    expect(html.length).toBeLessThan(300 * 1000);
    expect(html.includes('class="timeline"')).toBe(false);
    expect(html.includes('<table class="trace">')).toBe(false);
    const own = renderDetailPage(results, subs[0]!, 'student.html');
    expect(/Showing \d+ of 400 lines \(the first \d+ and every line a failed check refers to\)/.exec(own)?.[0]).toBe(
      'Showing 300 of 400 lines (the first 300 and every line a failed check refers to)',
    );
    // The last drawn mark is near the end of the run, not at the cap.
    const xs = [...own.matchAll(/<g class="mark[^"]*" data-index="(\d+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...xs)).toBeGreaterThan(380);
  });
});

test('test artifacts never go to the user\'s reports/ folder: its listing is unchanged by this file\'s tests', () => {
  expect(ARTIFACTS.startsWith(join(ROOT, 'reports'))).toBe(false);
  expect(listing(join(ROOT, 'reports'))).toEqual(REPORTS_BEFORE);
});
