/**
 * The per-submission HTML pages (submissions/<spec>/<id>.html), handed to students: which
 * checks they show (Gradescope's visibility rules), how files are named, and that they share
 * the class page's submission renderer. The browser test is in report-html.test.ts.
 */

import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detailPagePaths, htmlReporter, renderDetailPage, renderSubmissionPage, submissionPagePaths } from '../src/report/html.js';
import { stringifyResults } from '../src/report/json.js';
import { shownToStudent, studentView } from '../src/report/visibility.js';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';
import type { SubmissionResult } from '../src/score/types.js';
import type { Visibility } from '../src/spec/types.js';
import { classResults, crash, lateDone, MAX_SCORE, noEntry, reference, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

/** crash() with one visible check per other visibility: counts-to-nine after_due_date, numbers-tick after_published (no-traceback is hidden already). */
function mixed(): SubmissionResult {
  const s = crash();
  const vis: Record<string, Visibility> = { 'counts-to-nine': 'after_due_date', 'numbers-tick': 'after_published' };
  for (const c of s.checks) if (vis[c.id]) c.visibility = vis[c.id]!;
  return s;
}

const ids = (s: SubmissionResult) => s.checks.map((c) => c.id);

/** Page assertions that print the string looked for, not a 100 kB page, when they fail. */
function present(html: string, s: string): void {
  expect({ [s]: html.includes(s) }).toEqual({ [s]: true });
}
function absent(html: string, s: string): void {
  expect({ [s]: html.includes(s) }).toEqual({ [s]: false });
}

describe('visibility for students', () => {
  test('hidden never; after_due_date and after_published only once revealed; visible always', () => {
    const table = (['visible', 'hidden', 'after_due_date', 'after_published'] as const).map((v) => [
      v,
      shownToStudent({ visibility: v }),
      shownToStudent({ visibility: v }, true),
    ]);
    expect(table).toEqual([
      ['visible', true, true],
      ['hidden', false, false],
      ['after_due_date', false, true],
      ['after_published', false, true],
    ]);
    // A visibility this version does not know (a hand-edited results.json) stays hidden.
    expect(shownToStudent({ visibility: 'secret' as Visibility }, true)).toBe(false);
  });

  test('left-out checks are out of the list and out of the score', () => {
    const s = mixed();
    const closed = studentView(s);
    expect(ids(closed.submission)).toEqual(ids(s).filter((id) => !['counts-to-nine', 'numbers-tick', 'no-traceback'].includes(id)));
    expect(closed.leftOut).toBe(3);
    const shown = closed.submission.checks;
    expect(closed.submission.score).toBe(shown.reduce((a, c) => a + c.points, 0));
    expect(closed.submission.maxScore).toBe(MAX_SCORE - 2 - 2 - 1);
    // crash passes starts-fetching only (counts-to-nine's partial 0.2 is now left out).
    expect(closed.submission.score).toBe(1);
    // A skip message does not name a left-out check it needed…
    const skipped = (v: typeof closed, id: string) => v.submission.checks.find((c) => c.id === id)!;
    expect(s.checks.find((c) => c.id === 'done-around-eight')!.message).toContain("'counts-to-nine'");
    expect(skipped(closed, 'done-around-eight').message).toBe('skipped: needs a check that is not shown here, which did not pass');
    expect(JSON.stringify(closed.submission.checks)).not.toContain('counts-to-nine');

    const open = studentView(s, true);
    expect(ids(open.submission)).toEqual(ids(s).filter((id) => id !== 'no-traceback'));
    expect(open.leftOut).toBe(1);
    expect(open.submission.score).toBe(1.2);
    expect(open.submission.maxScore).toBe(MAX_SCORE - 1);
    // … and names it once it is shown.
    expect(skipped(open, 'done-around-eight').message).toContain("'counts-to-nine'");
    // The record itself is untouched.
    expect(s.checks).toHaveLength(9);
    expect(s.score).toBe(crash().score);
  });

  test('nothing to leave out: the submission as graded', () => {
    const s = reference();
    for (const c of s.checks) c.visibility = 'visible';
    expect(studentView(s)).toEqual({ submission: s, leftOut: 0 });
  });
});

describe('page file names', () => {
  test('submissions/<spec>/<id>.html; an id repeated across specs gets one page per spec', () => {
    const subs = classResults().submissions;
    expect(submissionPagePaths(subs)).toEqual(subs.map((s) => `submissions/fetch-and-count/${s.id}.html`));
    const other = { ...reference(), spec: 'ticks' };
    expect(submissionPagePaths([reference(), other])).toEqual(['submissions/fetch-and-count/reference.html', 'submissions/ticks/reference.html']);
  });

  test('collisions (same id twice, ids differing in case or slugging alike) get -2, -3', () => {
    const at = (id: string, spec = 'fetch-and-count') => ({ id, spec });
    expect(submissionPagePaths([at('alice'), at('alice'), at('Alice'), at('a b'), at('a-b'), at('alice-2')])).toEqual([
      'submissions/fetch-and-count/alice.html',
      'submissions/fetch-and-count/alice-2.html',
      'submissions/fetch-and-count/Alice-3.html',
      'submissions/fetch-and-count/a-b.html',
      'submissions/fetch-and-count/a-b-2.html',
      'submissions/fetch-and-count/alice-2-2.html',
    ]);
    // Hostile names stay inside their folder.
    expect(submissionPagePaths([at('..'), at('../../etc/passwd'), at(''), at('CON'), at('x', '..'), at('.hidden')])).toEqual([
      'submissions/fetch-and-count/_...html',
      'submissions/fetch-and-count/_..-..-etc-passwd.html',
      'submissions/fetch-and-count/submission.html',
      'submissions/fetch-and-count/_CON.html',
      'submissions/_../x.html',
      'submissions/fetch-and-count/_.hidden.html',
    ]);
  });

  test('any ids and specs: unique ignoring case, two plain segments under submissions/, short', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.string({ maxLength: 300 }), spec: fc.constantFrom('a', 'A', 'fetch', '..', 'x y') }), { maxLength: 30 }), (subs) => {
        const paths = submissionPagePaths(subs);
        expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(subs.length);
        for (const p of paths) {
          const parts = p.split('/');
          expect(parts).toHaveLength(3);
          expect(parts[0]).toBe('submissions');
          for (const seg of parts.slice(1)) {
            expect(seg).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
            expect(seg.length).toBeLessThanOrEqual(120);
          }
          expect(p.endsWith('.html')).toBe(true);
        }
      }),
    );
  });
});

describe('a submission page', () => {
  test('hidden checks are absent (list, score, timeline), the score is over visible checks, and the page says so', () => {
    const s = crash();
    const html = renderSubmissionPage(singleResults(s), s);
    absent(html, 'no-traceback');
    absent(html, 'Nothing on stderr');
    present(html, 'score on visible checks: 1.2/12 points (10%)');
    present(html, '1 more check is hidden: not shown on this page and not in the score above, but counted in the final grade.');
    // The traceback line is still in the trace (it is the student's output), but no hidden check marks it.
    present(html, 'Traceback (most recent call last):');
    const marks = [...html.matchAll(/<g class="mark hl [^"]*" data-index="\d+"><title>([^<]*)<\/title>/g)].map((m) => m[1]!);
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.join('\n')).not.toContain('Traceback');
    // Self-contained and script-free: the CSP forbids scripts and every request.
    absent(html, '<script');
    present(html, `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !r.startsWith('#') && !r.startsWith('data:'))).toEqual([]);
  });

  test('after_due_date/after_published appear only when revealed; hidden never', () => {
    const s = mixed();
    const closed = renderSubmissionPage(singleResults(s), s);
    const open = renderSubmissionPage(singleResults(s), s, { revealAfterDue: true });
    for (const id of ['counts-to-nine', 'numbers-tick']) {
      absent(closed, `<code class="muted">${id}</code>`);
      present(open, `<code class="muted">${id}</code>`);
    }
    present(closed, '3 more checks are hidden');
    present(closed, 'score on visible checks: 1/8 points');
    present(open, '1 more check is hidden');
    present(open, 'score on visible checks: 1.2/12 points');
    absent(open, 'no-traceback');
  });

  test('nothing hidden: the plain score, no note', () => {
    const s = lateDone();
    for (const c of s.checks) c.visibility = 'visible';
    const html = renderSubmissionPage(singleResults(s), s);
    present(html, `<span class="score">${s.score}/${s.maxScore} points`);
    absent(html, '<p class="hidden-note">');
    absent(html, 'score on visible checks');
  });

  test('one renderer: a check reads the same on the instructor\'s page and on the student\'s page', () => {
    const s = lateDone();
    const item = (html: string, id: string) => {
      const at = html.indexOf(`<code class="muted">${id}</code>`);
      return html.slice(html.lastIndexOf('<li', at), html.indexOf('</li>', at));
    };
    const clsSection = renderDetailPage(classResults(), s, 'student.html');
    const own = renderSubmissionPage(classResults(), s);
    for (const id of ['done-around-eight', 'fetch-takes-two-seconds', 'starts-fetching']) {
      expect(item(own, id)).not.toBe('');
      expect(item(own, id)).toBe(item(clsSection, id));
    }
    // The timeline is there, with the same offending line.
    expect(own).toMatch(/<svg [^>]*class="timeline"/);
    expect((own.match(/<g class="mark hl offending"/g) ?? []).length).toBe(1);
  });

  test('a submission that could not run: the error once, the visible checks folded', () => {
    const s = noEntry();
    const html = renderSubmissionPage(singleResults(s), s);
    present(html, '<p class="error-box"><strong>Could not be graded:</strong> entry file');
    present(html, `✗ ${s.checks.length - 1} checks could not run (0/${MAX_SCORE - 1} points)`);
    absent(html, 'no-traceback');
  });
});

describe('the class page links to the pages, and the reporter writes them', () => {
  test('each row links to its instructor page and its student page; the instructor pages keep hidden checks', async () => {
    const ctx = fakeContext();
    const results = classResults({ withGarbage: false });
    const files = await htmlReporter.write(results, ctx);
    const detail = detailPagePaths(results.submissions);
    const student = submissionPagePaths(results.submissions);
    expect(files.map((f) => f.slice(ctx.outDir.length + 1))).toEqual(['index.html', ...detail.flatMap((d, i) => [d, student[i]!])]);
    const index = readFileSync(files[0]!, 'utf8');
    present(index, '<a href="detail/fetch-and-count/crash.html">crash</a><a class="page-link" href="submissions/fetch-and-count/crash.html">student page<span class="sr-only"> for crash</span></a>');
    present(index, '<code class="muted">no-traceback</code>'); // in the pass-rate table
    for (const href of [...index.matchAll(/href="((?:submissions|detail)\/[^"]+)"/g)].map((m) => m[1]!)) expect(existsSync(join(ctx.outDir, href))).toBe(true);
    const own = readFileSync(join(ctx.outDir, 'detail', 'fetch-and-count', 'crash.html'), 'utf8');
    present(own, '<code class="muted">no-traceback</code>');
    present(own, '<a href="../../submissions/fetch-and-count/crash.html">student page</a>');
    present(own, '<a href="../../index.html">← class overview</a>');
    const page = readFileSync(join(ctx.outDir, 'submissions', 'fetch-and-count', 'crash.html'), 'utf8');
    absent(page, 'no-traceback');
  });
});

describe('--reveal-hidden', () => {
  const quiet = (): Io & { err: () => string } => {
    const err: string[] = [];
    return { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, env: {}, cwd: tempDir(), err: () => err.join('') };
  };

  test('tracegrade report writes the students\' pages without, then with, after-due-date checks', async () => {
    const results = singleResults(mixed());
    const dir = tempDir();
    const file = join(dir, 'results.json');
    await writeFile(file, stringifyResults(results));
    const page = (out: string) => readFileSync(join(out, 'submissions', 'fetch-and-count', 'crash.html'), 'utf8');

    const io = quiet();
    expect(await main(['report', file, '--out', join(dir, 'closed'), '--reporter', 'html'], io)).toBe(0);
    absent(page(join(dir, 'closed')), '<code class="muted">counts-to-nine</code>');
    expect(await main(['report', file, '--out', join(dir, 'open'), '--reporter', 'html', '--reveal-hidden'], io)).toBe(0);
    present(page(join(dir, 'open')), '<code class="muted">counts-to-nine</code>');
    absent(page(join(dir, 'open')), 'no-traceback');
    // The instructor's page is the same either way.
    expect(readFileSync(join(dir, 'open', 'index.html'), 'utf8')).toBe(readFileSync(join(dir, 'closed', 'index.html'), 'utf8'));
    expect(io.err()).toContain('Re-rendered 1 submission');
  });

  test('grade and report document it in --help', async () => {
    for (const cmd of ['grade', 'report']) {
      const out: string[] = [];
      const io: Io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => true }, env: {}, cwd: tempDir() };
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(out.join('')).toMatch(/--reveal-hidden +the due date has passed/);
    }
  });
});

describe('the class page', () => {
  test('one label for a submission that could not be graded: "could not grade", in stats, filter, table and rows', async () => {
    const { classView } = await import('../src/report/html-class.js');
    const { creditModel } = await import('../src/score/index.js');
    const results = classResults();
    const links = { detail: results.submissions.map(() => '#'), student: results.submissions.map(() => '#') };
    const { html } = classView(results, creditModel(results), links);
    expect(results.submissions.some((s) => s.error)).toBe(true);
    expect(html).not.toMatch(/could not run/i);
    expect(html).toContain('<span>could not grade</span>');
    expect(html).toContain('<option value="error">could not grade</option>');
    expect(html).toContain('! could not grade');
  });
});
