/**
 * The HTML report: self-contained pages (inline CSS and SVG, no external requests, open from
 * file://, complete with JavaScript off).
 * - index.html, the instructor's class page (html-class.ts): the class's figures, a section per
 *   spec, a row per submission linking to its pages. Its script only adds filtering and sorting.
 *   With one submission, index.html is that submission's page.
 * - detail/<spec>/<id>.html, the instructor's page of one submission: every check, each run's
 *   timeline and trace (html-submission.ts).
 * - submissions/<spec>/<id>.html, to hand to the student: the same view, only the checks a
 *   student may see (visibility.ts), scored over those. No script at all.
 * Pages are written through an OutputSet: only those whose input changed are rendered again.
 */

import { creditModel } from '../score/index.js';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import { classView } from './html-class.js';
import { detailPagePaths, HTML_FILE, sectionAnchor, submissionPagePaths, UP_TO_OUT } from './html-paths.js';
import { page } from './html-page.js';
import { DEFAULT_HTML_OPTIONS, type HtmlOptions } from './html-run.js';
import { submissionView } from './html-submission.js';
import { join, relative, sep } from 'node:path';
import { keyOf, writeOutputs, type Rendered } from './output.js';
import type { RowSlot } from './html-class-tables.js';
import { randomBytes } from 'node:crypto';
import { asSource, wholeResults, type ResultSource } from './source.js';
import type { ReportContext, Reporter } from './types.js';
import { studentView } from './visibility.js';

export { DETAIL_DIR, detailPagePaths, HTML_FILE, PAGES_DIR, submissionPagePaths } from './html-paths.js';
export type { HtmlOptions } from './html-run.js';

const FOOTER = 'Everything a program printed is shown as text; control characters appear as \\xNN. This page makes no network requests';

/** The class page (index.html), for the instructor; links to each submission's pages. One submission: its page. */
export function renderHtml(results: GradeResults, options: HtmlOptions & { missingPages?: ReadonlySet<string>; slot?: RowSlot } = {}): string {
  const subs = results.submissions;
  const { missingPages, slot, ...rest } = options;
  const opts: Required<HtmlOptions> = { ...DEFAULT_HTML_OPTIONS, ...rest };
  // A page that could not be written is not linked (it would be a dead link).
  const linked = (paths: string[]) => paths.map((p) => (missingPages?.has(p) ? '' : p));
  const model = creditModel(results);
  const specs = [...new Map(subs.map((s) => [s.spec, s.specTitle])).entries()];
  const heading = subs.length === 1 ? `${subs[0]!.id}: ${subs[0]!.specTitle}` : specs.length === 1 ? specs[0]![1] : `${specs.length} specs`;
  const sub = [
    `${subs.length} submission${subs.length === 1 ? '' : 's'}`,
    ...(specs.length > 3 ? [] : specs.map(([id]) => `spec ${id}`)),
    `graded ${results.createdAt}`,
    `tracegrade ${results.tool.version}`,
  ].join(' · ');
  let main: string;
  let nav = '';
  if (subs.length === 1) {
    const s = subs[0]!;
    const studentPage = linked(submissionPagePaths(subs))[0]!;
    main = submissionView(s, { anchor: sectionAnchor(s), opts, links: studentPage ? [[studentPage, 'student page']] : [] });
  } else {
    const view = classView(results, model, { detail: linked(detailPagePaths(subs)), student: linked(submissionPagePaths(subs)) }, slot);
    main = view.html;
    const items = view.specs.length
      ? [['class', 'Class overview'], ...view.specs]
      : [['class', 'Class overview'], ['distribution', 'Score distribution'], ['checks-h', 'Pass rate per check'], ['list', 'Submissions']];
    nav = `<nav class="toc" aria-label="Sections"><ul>${items.map(([a, t]) => `<li><a href="#${a}">${t!.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</a></li>`).join('')}</ul></nav>`;
  }
  return page({
    results,
    title: `tracegrade — ${heading}`,
    subtitle: sub,
    nav,
    main,
    script: subs.length > 1,
    footer: `Made by tracegrade from results.json (schema ${results.schemaVersion}). ${FOOTER} and works without JavaScript.`,
  });
}

/**
 * index.html as chunks: the page with each submissions table's rows made one at a time as
 * they are written (a class of 10,000 is about 7 MB of rows, never held as one string).
 */
export function* renderHtmlChunks(results: GradeResults, options: { missingPages?: ReadonlySet<string> } = {}): Generator<string> {
  // A per-call nonce, so no text of a submission can forge a placeholder.
  const nonce = randomBytes(8).toString('hex');
  const tables: Array<() => Iterable<string>> = [];
  const slot: RowSlot = (rows) => `\u0000tg${nonce}:${tables.push(rows) - 1}\u0000`;
  const parts = renderHtml(results, { ...options, slot }).split(new RegExp(`\u0000tg${nonce}:(\\d+)\u0000`));
  for (const [k, part] of parts.entries()) {
    if (k % 2 === 0) yield part;
    else {
      let first = true;
      for (const row of tables[Number(part)]!()) {
        yield first ? row : `\n${row}`;
        first = false;
      }
    }
  }
}

/** The instructor's page of one submission (every check), linking back to the class page. */
export function renderDetailPage(results: GradeResults, s: SubmissionResult, studentHref: string, options: HtmlOptions = {}): string {
  const opts: Required<HtmlOptions> = { ...DEFAULT_HTML_OPTIONS, ...options };
  return page({
    results,
    title: `tracegrade — ${s.id}: ${s.specTitle}`,
    subtitle: [`spec ${s.spec}`, `graded ${s.gradedAt}`, `tracegrade ${results.tool.version}`].join(' · '),
    nav: `<nav class="toc" aria-label="Sections"><ul><li><a href="${UP_TO_OUT}${HTML_FILE}">← class overview</a></li></ul></nav>`,
    main: submissionView(s, { anchor: sectionAnchor(s), opts, links: [[studentHref, 'student page']] }),
    script: false,
    footer: `Made by tracegrade for the instructor: every check, hidden ones too. ${FOOTER} and needs no JavaScript.`,
  });
}

export interface SubmissionPageOptions extends HtmlOptions {
  /** Also show `after_due_date` and `after_published` checks (the due date has passed). `hidden` ones never. */
  revealAfterDue?: boolean;
}

/**
 * One submission's page, to hand to its student: only the checks the student may see (see
 * visibility.ts), the score over those, and a sentence saying that other checks are hidden.
 */
export function renderSubmissionPage(results: Pick<GradeResults, 'tool'>, s: SubmissionResult, options: SubmissionPageOptions = {}): string {
  const { revealAfterDue = false, ...rest } = options;
  const opts: Required<HtmlOptions> = { ...DEFAULT_HTML_OPTIONS, ...rest };
  const view = studentView(s, revealAfterDue);
  return page({
    results,
    title: `tracegrade — ${s.id}: ${s.specTitle}`,
    subtitle: [`spec ${s.spec}`, `tracegrade ${results.tool.version}`].join(' · '),
    nav: '',
    main: submissionView(view.submission, { anchor: sectionAnchor(s), opts, leftOut: view.leftOut }),
    script: false,
    footer: `Made by tracegrade. ${FOOTER} and needs no JavaScript.`,
  });
}

export const htmlReporter: Reporter = {
  name: 'html',
  async write(input: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]> {
    const source = asSource(input);
    // One submission: index.html is its page, made from its full result.
    const results = source.results.submissions.length === 1 ? await wholeResults(source) : source.results;
    const subs = results.submissions;
    const v = results.tool.version;
    const digests = source.digests;
    // Pages first, so index.html links only to pages that exist; a failed page is reported, not fatal.
    return writeOutputs(ctx.outDir, 'html', async (out) => {
      const missing = new Set<string>();
      const put = async (rel: string, key: string, render: () => Rendered | Promise<Rendered>, first = false) => {
        if (!(await out.tryPut(rel, key, render, { first }))) missing.add(join(ctx.outDir, ...rel.split('/')));
      };
      const student = submissionPagePaths(subs);
      const detail = subs.length > 1 ? detailPagePaths(subs) : [];
      const reveal = ctx.revealAfterDue === true;
      for (const [i, s] of subs.entries()) {
        // Relative from detail/<spec>/ to submissions/<spec>/.
        const studentHref = `${UP_TO_OUT}${student[i]!}`;
        // A submission's full result is read once for both its pages, only when one must be rendered.
        let full: Promise<SubmissionResult> | undefined;
        const load = () => (full ??= subs.length === 1 ? Promise.resolve(s) : source.load(i));
        if (detail[i]) await put(detail[i]!, keyOf('detail', v, digests[i]!, studentHref), async () => renderDetailPage(results, await load(), studentHref));
        await put(student[i]!, keyOf('student', v, digests[i]!, String(reveal)), async () => renderSubmissionPage(results, await load(), { revealAfterDue: reveal }));
      }
      // Pages land before index.html is rendered: it links only to those that did.
      await out.commit();
      for (const f of out.failures) missing.add(f.file);
      const indexKey = keyOf('index', v, results.createdAt, String(results.schemaVersion), [...missing].sort().join(','), ...digests);
      await put(HTML_FILE, indexKey, () => renderHtmlChunks(results, { missingPages: new Set([...missing].map((f) => relative(ctx.outDir, f).split(sep).join('/'))) }), true);
    });
  },
};
