/**
 * The HTML report: self-contained pages (inline CSS and SVG, no external requests, open from
 * file://, complete with JavaScript off).
 * - index.html, the instructor's: class view (score distribution, pass rate per check, a table
 *   of submissions linking to each submission's section and page), then every submission's
 *   section with every check. Its script only adds filtering and sorting.
 * - submissions/<spec>/<id>.html, one per submission, to hand to the student: the same
 *   submission section (one renderer), showing only the checks a student may see
 *   (visibility.ts), scored over those. No script at all.
 */

import { join } from 'node:path';
import type { CheckResult, GradeResults, SubmissionResult } from '../score/types.js';
import type { RunRecord } from '../trace/types.js';
import { PartialWriteError, writeFileAtomic, writeReason, type WriteFailure } from './atomic.js';
import { CSS, SCRIPT } from './html-assets.js';
import { formatCount, isHiddenCheck, percent, pts, runEnd, secsProse, slug, submissionState, truncate } from './text.js';
import { esc, timelineSvg, type Highlight, type TimelineWindow } from './timeline.js';
import type { ReportContext, Reporter } from './types.js';
import { studentView } from './visibility.js';

export const HTML_FILE = 'index.html';
/** Folder, under the output folder, of the per-submission pages. */
export const PAGES_DIR = 'submissions';

/** A slug that is safe as one file or folder name: no leading dot, not too long, no DOS device name. */
function fileSlug(s: string): string {
  const out = slug(s).slice(0, 100);
  return /^\.|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(out) ? `_${out}` : out;
}

/**
 * Each submission's page, relative to the output folder (with '/'): `submissions/<spec>/<id>.html`.
 * Ids repeat across specs (every bundled assignment has a `reference`), hence the spec folder.
 * Names are slugs, made unique ignoring case (ids that differ only in case, or slug alike, would
 * share a file on macOS and Windows) with a `-2`, `-3`… suffix, in the order given.
 */
export function submissionPagePaths(subs: Array<Pick<SubmissionResult, 'id' | 'spec'>>): string[] {
  const used = new Set<string>();
  return subs.map((s) => {
    const dir = `${PAGES_DIR}/${fileSlug(s.spec)}`;
    const base = fileSlug(s.id);
    let name = `${dir}/${base}.html`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${dir}/${base}-${n}.html`;
    used.add(name.toLowerCase());
    return name;
  });
}

export interface HtmlOptions {
  /** Trace rows shown per run in the text table (highlighted rows are always shown). */
  maxTraceRows?: number;
  /** Characters shown per printed line. */
  maxLineChars?: number;
  /** Timelines per submission (repeated runs). */
  maxRuns?: number;
  /** Marks drawn per stream lane of a timeline (highlighted lines are always drawn). */
  maxMarks?: number;
}

/**
 * Default caps: generous for a few submissions, tighter for a big class so the one file stays
 * small (about 20,000 trace rows in all; never fewer than 50 per run).
 */
export function defaultHtmlOptions(submissions: number): Required<HtmlOptions> {
  const lines = Math.max(50, Math.min(300, Math.floor(20_000 / Math.max(1, submissions))));
  return { maxTraceRows: lines, maxLineChars: 300, maxRuns: submissions > 50 ? 2 : 5, maxMarks: lines };
}

const STATUS_LABEL: Record<CheckResult['status'], string> = {
  passed: '✓ passed',
  failed: '✗ failed',
  skipped: '○ skipped',
  unstable: '~ unstable',
};

const STATE_LABEL = { full: '✓ full marks', partial: '✗ points lost', error: '! could not run' } as const;

function lostPoints(c: CheckResult): boolean {
  return c.status === 'failed' || (c.status === 'unstable' && c.points < c.maxPoints);
}

function passedCheck(c: CheckResult): boolean {
  return c.status === 'passed' || (c.status === 'unstable' && c.points >= c.maxPoints);
}

/** Stable, unique anchors for submissions (one id may be graded against several specs). */
function anchors(subs: SubmissionResult[]): string[] {
  const used = new Set<string>();
  const multiSpec = new Set(subs.map((s) => s.spec)).size > 1;
  return subs.map((s) => {
    let a = `s-${slug(multiSpec ? `${s.id}--${s.spec}` : s.id)}`;
    while (used.has(a)) a += '_';
    used.add(a);
    return a;
  });
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function histogramSvg(percents: number[]): string {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const p of percents) bins[Math.min(9, Math.floor(p / 10))]!++;
  const W = 420;
  const H = 210;
  const L = 34;
  const B = 34;
  const T = 14;
  const max = Math.max(1, ...bins);
  const bw = (W - L - 22) / 10;
  const y = (n: number) => H - B - (n / max) * (H - B - T);
  const parts: string[] = [];
  const yStep = max <= 5 ? 1 : Math.ceil(max / 5);
  for (let n = 0; n <= max; n += yStep) {
    parts.push(`<line x1="${L}" x2="${L + 10 * bw}" y1="${y(n)}" y2="${y(n)}" stroke="#d1d9e0"/>`);
    parts.push(`<text x="${L - 6}" y="${y(n) + 4}" text-anchor="end" font-size="11" fill="#59636e">${n}</text>`);
  }
  bins.forEach((n, i) => {
    const x = L + i * bw + 3;
    const range = i === 9 ? '90–100%' : `${i * 10}–${i * 10 + 9}%`;
    const fill = i >= 9 ? '#1a7f37' : i >= 5 ? '#3d5a80' : '#b42318';
    if (n > 0) {
      parts.push(
        `<rect x="${x}" y="${y(n)}" width="${bw - 6}" height="${H - B - y(n)}" fill="${fill}" rx="2"><title>${n} submission${n === 1 ? '' : 's'} scored ${range}</title></rect>`,
      );
      parts.push(`<text x="${x + (bw - 6) / 2}" y="${y(n) - 4}" text-anchor="middle" font-size="11" font-weight="600" fill="#1f2328">${n}</text>`);
    }
  });
  for (let i = 0; i <= 10; i += 2) {
    const x = L + i * bw;
    parts.push(`<line x1="${x}" x2="${x}" y1="${H - B}" y2="${H - B + 5}" stroke="#59636e"/>`);
    parts.push(`<text x="${x}" y="${H - B + 18}" text-anchor="middle" font-size="11" fill="#59636e">${i * 10}%</text>`);
  }
  parts.push(`<line x1="${L}" x2="${L + 10 * bw}" y1="${H - B}" y2="${H - B}" stroke="#59636e"/>`);
  parts.push(`<text x="${(L + W) / 2}" y="${H - 2}" text-anchor="middle" font-size="11" fill="#59636e">score (% of the maximum)</text>`);
  const desc = bins
    .map((n, i) => [n, i === 9 ? '90–100%' : `${i * 10}–${i * 10 + 9}%`] as const)
    .filter(([n]) => n > 0)
    .map(([n, r]) => `${r}: ${n}`)
    .join('; ');
  return (
    `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="hist-title hist-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">` +
    `<title id="hist-title">Score distribution</title><desc id="hist-desc">Number of submissions per score range: ${esc(desc || 'none')}.</desc>` +
    parts.join('') +
    `</svg>`
  );
}

function classView(results: GradeResults, ids: string[], pages: string[]): string {
  const subs = results.submissions;
  const multiSpec = new Set(subs.map((s) => s.spec)).size > 1;
  const percents = subs.map((s) => percent(s.score, s.maxScore));
  const mean = percents.length ? percents.reduce((a, b) => a + b, 0) / percents.length : 0;
  const full = subs.filter((s) => submissionState(s) === 'full').length;
  const errors = subs.filter((s) => s.error).length;

  // Pass rate per check, hardest first: which requirement the class struggles with.
  const rates = new Map<string, { title: string; points: number; passed: number; total: number; hidden: boolean }>();
  for (const s of subs) {
    for (const c of s.checks) {
      const key = multiSpec ? `${s.spec}: ${c.id}` : c.id;
      const r = rates.get(key) ?? { title: multiSpec ? `${s.spec}: ${c.title}` : c.title, points: c.maxPoints, passed: 0, total: 0, hidden: isHiddenCheck(c) };
      r.total++;
      if (passedCheck(c)) r.passed++;
      rates.set(key, r);
    }
  }
  const rateRows = [...rates.entries()]
    .sort((a, b) => a[1].passed / a[1].total - b[1].passed / b[1].total)
    .map(([id, r]) => {
      const p = percent(r.passed, r.total);
      return (
        `<tr><th scope="row"><span class="title">${esc(r.title)}</span>${r.hidden ? ' <span class="badge vis">hidden</span>' : ''}<br><code class="muted">${esc(id)}</code></th>` +
        `<td class="num">${pts(r.points)}</td><td class="num">${r.passed}/${r.total}</td>` +
        `<td><div class="rate"><div class="bar${p < 50 ? ' low' : ''}" aria-hidden="true"><i style="width:${p}%"></i></div><span>${p}%</span></div></td></tr>`
      );
    })
    .join('\n');

  const rows = subs
    .map((s, i) => {
      const state = submissionState(s);
      const notPassed = s.error
        ? `<span class="muted">${esc(truncate(s.error, 120))}</span>`
        : s.checks
            .filter((c) => c.status !== 'passed')
            .map((c) => `<code>${esc(c.id)}</code>${c.status === 'skipped' ? ' ○' : c.status === 'unstable' ? ' ~' : ' ✗'}`)
            .join(', ') || '<span class="muted">none</span>';
      const wall = s.runs.length ? Math.max(...s.runs.map((r) => r.wallMs)) : 0;
      const p = percent(s.score, s.maxScore);
      return (
        `<tr data-state="${state}"><td data-sort="${esc(s.id)}"><a href="#${ids[i]}">${esc(s.id)}</a>${multiSpec ? ` <span class="muted">${esc(s.spec)}</span>` : ''}` +
        `${pages[i] ? `<a class="page-link" href="${esc(pages[i]!)}">student page<span class="sr-only"> for ${esc(s.id)}${multiSpec ? ` (${esc(s.spec)})` : ''}</span></a>` : ''}</td>` +
        `<td class="num" data-sort="${s.score}">${pts(s.score)}/${pts(s.maxScore)}</td><td class="num" data-sort="${p}">${p}%</td>` +
        `<td data-sort="${state}"><span class="badge ${state}">${STATE_LABEL[state]}</span></td><td>${notPassed}</td>` +
        `<td class="num" data-sort="${wall}">${s.runs.length ? secsProse(wall) : '—'}</td></tr>`
      );
    })
    .join('\n');

  return `<section id="class" aria-labelledby="class-h">
<h2 id="class-h">Class overview</h2>
<ul class="stats">
<li><b>${subs.length}</b><span>submissions</span></li>
<li><b>${mean.toFixed(1)}%</b><span>mean score</span></li>
<li><b>${median(percents).toFixed(1)}%</b><span>median score</span></li>
<li><b>${full}</b><span>at full marks</span></li>
<li><b>${errors}</b><span>could not run</span></li>
</ul>
<div class="grid2">
<figure id="distribution">
<h3 id="dist-h">Score distribution</h3>
${histogramSvg(percents)}
<figcaption>Submissions per score range (10-point bins; the last bin includes 100%).</figcaption>
</figure>
<div>
<h3 id="checks-h">Pass rate per check, hardest first</h3>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="checks-h">
<table aria-labelledby="checks-h">
<thead><tr><th scope="col">Check</th><th scope="col" class="num">Points</th><th scope="col" class="num">Passed</th><th scope="col">Rate</th></tr></thead>
<tbody>
${rateRows}
</tbody>
</table>
</div>
</div>
</div>
<h3 id="list">Submissions</h3>
<div class="controls" id="controls" hidden>
<label for="filter">Filter<input id="filter" type="search" placeholder="name, check id, error…" autocomplete="off"></label>
<label for="state">Status<select id="state"><option value="">all</option><option value="full">full marks</option><option value="partial">points lost</option><option value="error">could not run</option></select></label>
<output id="count" for="filter state" aria-live="polite"></output>
</div>
<div class="table-wrap" tabindex="0" role="region" aria-label="Submissions table">
<table id="submissions">
<caption>Every submission; follow a name to its checks and timeline here, or “student page” to the submission's own page, to hand to its student (visible checks only). ✗ failed, ○ skipped, ~ unstable.</caption>
<thead><tr><th scope="col" data-type="text">Submission</th><th scope="col" class="num" data-type="number">Score</th><th scope="col" class="num" data-type="number">%</th><th scope="col" data-type="text">Status</th><th scope="col">Not passed</th><th scope="col" class="num" data-type="number">Longest run</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</section>`;
}

function checkItem(c: CheckResult, runs: number): string {
  const vis = isHiddenCheck(c) ? ` <span class="badge vis">${esc(c.visibility.replace(/_/g, ' '))}</span>` : '';
  const parts = [
    `<li class="${c.status}">`,
    `<span><span class="badge ${c.status}">${STATUS_LABEL[c.status]}</span></span>`,
    `<span class="title">${esc(c.title)}${vis} <code class="muted">${esc(c.id)}</code></span>`,
    `<span class="pts">${pts(c.points)}/${pts(c.maxPoints)}<span class="sr-only"> points</span></span>`,
    `<p class="msg">${esc(c.message)}</p>`,
  ];
  if (c.perRun && c.perRun.length > 1) {
    parts.push(`<p class="runs muted">${c.perRun.map((r, i) => `run ${i + 1}: ${STATUS_LABEL[r.status]}`).join(' · ')}${runs > 1 && c.run !== undefined ? ` — lines below are from run ${c.run + 1}` : ''}</p>`);
  }
  if (c.hint && lostPoints(c)) parts.push(`<p class="hint">${esc(c.hint)}</p>`);
  parts.push('</li>');
  return parts.join('');
}

function runFacts(r: RunRecord): string {
  const facts: Array<[string, string]> = [
    ['Ended', runEnd(r)],
    ['Exit code', r.exitCode === null ? '—' : String(r.exitCode)],
    ['Signal', r.signal ?? 'none'],
    ['Timed out', r.timedOut ? 'yes' : 'no'],
    ['Wall time', secsProse(r.wallMs) + (r.startupMs ? ` (+ ${secsProse(r.startupMs)} start-up, not counted)` : '')],
  ];
  if (r.cpuMs !== undefined) facts.push(['CPU time', secsProse(r.cpuMs)]);
  if (r.maxRssKb !== undefined) facts.push(['Max memory', `${(r.maxRssKb / 1024).toFixed(1)} MiB`]);
  facts.push(['Clock', r.clock + (r.clockFallback ? ` (fell back: ${r.clockFallback})` : '')]);
  facts.push(['Sandbox', r.sandbox.level + (r.sandbox.reason ? ` — ${r.sandbox.reason}` : '')]);
  if (r.runtime) facts.push(['Runtime', r.runtime]);
  if (r.truncated) facts.push(['Output', 'truncated at the output limit']);
  // runEnd already says "could not run: <error>" when there is one; no second copy.
  if (r.error && !facts[0]![1].includes(r.error)) facts.push(['Error', r.error]);
  return `<dl class="facts">${facts.map(([k, v]) => `<div${v.length > 28 ? ' class="wide"' : ''}><dt>${k}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

const LEGEND =
  `<ul class="legend" aria-label="Legend">` +
  `<li><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="3.2" fill="#3d4a57"/></svg>a printed line</li>` +
  `<li><svg width="16" height="16" aria-hidden="true"><path d="M8 1L15 8L8 15L1 8Z" fill="#b42318"/></svg>✗ offending line of a failed check</li>` +
  `<li><svg width="16" height="16" aria-hidden="true"><path d="M8 2L14.5 14L1.5 14Z" fill="#8a4b00"/></svg>? near miss</li>` +
  `<li><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5" fill="#fff" stroke="#0b57d0" stroke-width="2.2"/></svg>line the failed check is measured from</li>` +
  `<li><svg width="22" height="14" aria-hidden="true"><rect x="1" y="1" width="20" height="12" fill="#fdecea" stroke="#b42318" stroke-dasharray="4 2"/></svg>expected window (✗: missed)</li>` +
  `<li><svg width="22" height="14" aria-hidden="true"><line x1="11" x2="11" y1="0" y2="14" stroke="#1f2328" stroke-width="1.5" stroke-dasharray="4 2"/></svg>end of the run</li>` +
  `</ul>`;

function traceTable(r: RunRecord, highlights: Highlight[], opts: Required<HtmlOptions>, caption: string): string {
  const by = new Map<number, Highlight[]>();
  for (const h of highlights) by.set(h.index, [...(by.get(h.index) ?? []), h]);
  const rows: string[] = [];
  let shown = 0;
  let skipped = false;
  for (const [i, l] of r.trace.entries()) {
    const hs = by.get(i) ?? [];
    if (i >= opts.maxTraceRows && hs.length === 0) {
      skipped = true;
      continue;
    }
    if (skipped) {
      rows.push(`<tr><td colspan="4" class="muted">⋮ lines left out</td></tr>`);
      skipped = false;
    }
    shown++;
    const role = hs.some((h) => h.role === 'offending') ? 'offending' : hs.some((h) => h.role === 'near-miss') ? 'near-miss' : hs.length ? 'anchor' : '';
    const about = hs.map((h) => esc(`${h.role === 'offending' ? '✗ ' : h.role === 'near-miss' ? '? ' : ''}${h.role}${h.note ? `: ${h.note}` : ''} — ${h.checkTitle}`)).join('<br>');
    rows.push(
      `<tr class="${[role, l.stream === 'stderr' ? 'stderr' : ''].filter(Boolean).join(' ')}"><td class="num mono">${(l.tMs / 1000).toFixed(3)}</td><td class="stream">${l.stream}</td>` +
        `<td class="text">${esc(truncate(l.text, opts.maxLineChars))}${l.partial ? ' <span class="muted">(no newline)</span>' : ''}</td><td class="about">${about}</td></tr>`,
    );
  }
  if (skipped) rows.push(`<tr><td colspan="4" class="muted">⋮ lines left out</td></tr>`);
  const note =
    shown < r.trace.length
      ? ` Showing ${formatCount(shown)} of ${formatCount(r.trace.length)} lines (the first ${opts.maxTraceRows} and every line a failed check refers to); the complete trace is in results.json.`
      : '';
  const cut = ` Lines longer than ${formatCount(opts.maxLineChars)} characters are cut; control characters are shown as \\xNN.`;
  return (
    `<table class="trace"><caption>${esc(caption)}.${note}${cut}</caption>` +
    `<thead><tr><th scope="col" class="num">time (s)</th><th scope="col">stream</th><th scope="col">line</th><th scope="col">about</th></tr></thead>` +
    `<tbody>${rows.join('\n') || '<tr><td colspan="4" class="muted">The program printed nothing.</td></tr>'}</tbody></table>`
  );
}

interface SectionOptions {
  /** Id of the section; prefixes every id inside it. */
  anchor: string;
  opts: Required<HtmlOptions>;
  /** On the class page: a link back to the list, trace tables folded. */
  inClass: boolean;
  /** The submission's own page, linked from its section on the class page. */
  pageHref?: string;
  /** Checks left out of `s` for the student (on their page): the score is over the others, and the page says so. */
  leftOut?: number;
}

/** One submission's section: the class page holds one per submission, a submission's page holds its own. */
function submissionView(s: SubmissionResult, { anchor, opts, inClass, pageHref, leftOut = 0 }: SectionOptions): string {
  const state = submissionState(s);
  const out: string[] = [];
  const score = `${pts(s.score)}/${pts(s.maxScore)} points (${percent(s.score, s.maxScore)}%)`;
  const stateLabel = leftOut && state === 'full' ? '✓ every visible check passed' : STATE_LABEL[state];
  out.push(`<section class="submission" id="${anchor}" aria-labelledby="${anchor}-h">`);
  out.push(
    `<h2 id="${anchor}-h">${esc(s.id)} <span class="badge ${state}">${stateLabel}</span> <span class="score">${leftOut ? `score on visible checks: ${score}` : score}</span>` +
      `${inClass ? ` <a class="back" href="#list">↑ all submissions</a>` : ''}</h2>`,
  );
  out.push(
    `<p class="muted">${esc(s.path)} · spec <code>${esc(s.spec)}</code> — ${esc(s.specTitle)} · graded ${esc(s.gradedAt)}` +
      `${pageHref ? ` · <a href="${esc(pageHref)}">student page<span class="sr-only"> for ${esc(s.id)}</span></a>` : ''}</p>`,
  );
  if (leftOut) {
    out.push(
      `<p class="hidden-note">${leftOut} more check${leftOut === 1 ? ' is' : 's are'} hidden: not shown on this page and not in the score above, ` +
        `but counted in the final grade.</p>`,
    );
  }
  if (s.error) out.push(`<p class="error-box"><strong>Could not be graded:</strong> ${esc(s.error)}</p>`);
  out.push(`<h3>Checks</h3>`);
  // What needs attention first; passed checks folded away (still there with JS off: details).
  const attention = s.checks.filter((c) => c.status !== 'passed');
  const passed = s.checks.filter((c) => c.status === 'passed');
  if (s.error && attention.length) {
    // Nothing ran: every check says the same error (already in the box above); list them folded.
    const max = attention.reduce((a, c) => a + c.maxPoints, 0);
    out.push(
      `<details class="not-run"><summary>✗ ${attention.length} check${attention.length === 1 ? '' : 's'} could not run (0/${pts(max)} points)</summary>` +
        `<ol class="checks">${attention.map((c) => checkItem(c, s.runs.length)).join('\n')}</ol></details>`,
    );
  } else if (attention.length) out.push(`<ol class="checks">${attention.map((c) => checkItem(c, s.runs.length)).join('\n')}</ol>`);
  if (passed.length) {
    out.push(
      `<details class="passed-checks"${attention.length ? '' : ' open'}><summary>✓ ${passed.length} passed check${passed.length === 1 ? '' : 's'}</summary>` +
        `<ol class="checks">${passed.map((c) => checkItem(c, s.runs.length)).join('\n')}</ol></details>`,
    );
  }

  const runs = s.runs.slice(0, opts.maxRuns);
  for (const [ri, r] of runs.entries()) {
    const runName = s.runs.length > 1 ? `Run ${ri + 1} of ${s.runs.length}` : 'Run';
    const prefix = `${anchor}-r${ri + 1}`;
    const ofRun = (c: CheckResult) => (c.run ?? 0) === ri;
    const highlights: Highlight[] = s.checks
      // Unstable checks too: the run that failed shows why, even when the policy gave full points.
      .filter((c) => (lostPoints(c) || c.status === 'unstable') && ofRun(c))
      .flatMap((c) => c.lines.filter((l) => l.role !== 'context' || l.note).map((l) => ({ ...l, checkId: c.id, checkTitle: c.title })));
    const windows: TimelineWindow[] = s.checks
      .filter((c) => ofRun(c) || c.run === undefined)
      .flatMap((c) => c.windows.map((w) => ({ ...w, failed: lostPoints(c), checkTitle: c.title })));
    out.push(`<h3 id="${prefix}-h">${runName}</h3>`);
    out.push(runFacts(r));
    if (r.error && r.trace.length === 0) continue;
    const perStream = (['stdout', 'stderr'] as const).map((st) => r.trace.filter((l) => l.stream === st).length);
    const thinned = perStream.some((n) => n > opts.maxMarks)
      ? ` With ${perStream.join(' and ')} stdout and stderr lines, the timeline draws about ${opts.maxMarks} per stream, evenly spread, plus every line a failed check refers to.`
      : '';
    out.push(
      `<figure class="timeline-wrap" tabindex="0" aria-labelledby="${prefix}-cap">${timelineSvg({ run: r, idPrefix: prefix, highlights, windows, maxMarks: opts.maxMarks })}` +
        `<figcaption id="${prefix}-cap">Timeline of ${esc(s.id)}'s ${runName.toLowerCase()}: every line the program printed, by stream${r.tasks?.length ? ' and asyncio task' : ''}, at the time it was printed. The table below is the same trace as text.${thinned}${LEGEND}</figcaption></figure>`,
    );
    const open = highlights.length > 0 && !inClass ? ' open' : '';
    out.push(
      `<details class="trace-details"${open}><summary>Trace as text: ${formatCount(r.trace.length)} line${r.trace.length === 1 ? '' : 's'}</summary>` +
        traceTable(r, highlights, opts, `${runName} of ${s.id}: time, stream and text of each printed line`) +
        `</details>`,
    );
  }
  if (s.runs.length > runs.length) out.push(`<p class="muted">${s.runs.length - runs.length} more runs are in results.json.</p>`);
  out.push(`</section>`);
  return out.join('\n');
}

interface PageParts {
  results: GradeResults;
  title: string;
  subtitle: string;
  nav: string;
  main: string;
  /** The filtering/sorting script (the class page only; a submission's page has none, and its CSP forbids any). */
  script: boolean;
  footer: string;
}

/** The page around the content: head with inline CSS and a CSP that blocks every request, header, footer. */
function page(p: PageParts): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline';${p.script ? " script-src 'unsafe-inline';" : ''} img-src data:`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="tracegrade ${esc(p.results.tool.version)}">
<link rel="icon" href="data:,">
<title>${esc(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="page">
<h1>${esc(p.title)}</h1>
<p>${esc(p.subtitle)}</p>
</header>
${p.nav}
<main>
${p.main}
</main>
<footer>${p.footer}</footer>
${p.script ? `<script>${SCRIPT}</script>\n` : ''}</body>
</html>
`;
}

/** The class page (index.html): every check of every submission, for the instructor; links to each submission's page. */
export function renderHtml(results: GradeResults, options: HtmlOptions & { missingPages?: ReadonlySet<string> } = {}): string {
  const opts: Required<HtmlOptions> = { ...defaultHtmlOptions(results.submissions.length), ...options };
  const subs = results.submissions;
  const ids = anchors(subs);
  // A page that could not be written is not linked (it would be a dead link).
  const pages = submissionPagePaths(subs).map((p) => (options.missingPages?.has(p) ? '' : p));
  const specs = [...new Map(subs.map((s) => [s.spec, s.specTitle])).entries()];
  const inClass = subs.length > 1;
  const heading =
    subs.length === 1 ? `${subs[0]!.id}: ${subs[0]!.specTitle}` : specs.length === 1 ? specs[0]![1] : `${specs.length} specs`;
  const sub = [
    `${subs.length} submission${subs.length === 1 ? '' : 's'}`,
    ...specs.map(([id]) => `spec ${id}`),
    `graded ${results.createdAt}`,
    `tracegrade ${results.tool.version}`,
  ].join(' · ');
  const nav = inClass
    ? `<nav class="toc" aria-label="Sections"><ul><li><a href="#class">Class overview</a></li><li><a href="#distribution">Score distribution</a></li><li><a href="#checks-h">Pass rate per check</a></li><li><a href="#list">Submissions</a></li></ul></nav>`
    : '';
  return page({
    results,
    title: `tracegrade — ${heading}`,
    subtitle: sub,
    nav,
    main: `${inClass ? classView(results, ids, pages) : ''}
${subs.map((s, i) => submissionView(s, { anchor: ids[i]!, opts, inClass, pageHref: pages[i]! })).join('\n')}`,
    script: true,
    footer: `Made by tracegrade from results.json (schema ${results.schemaVersion}). Everything a program printed is shown as text; control characters appear as \\xNN. This page makes no network requests and works without JavaScript.`,
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
export function renderSubmissionPage(results: GradeResults, s: SubmissionResult, options: SubmissionPageOptions = {}): string {
  const { revealAfterDue = false, ...rest } = options;
  const opts: Required<HtmlOptions> = { ...defaultHtmlOptions(1), ...rest };
  const view = studentView(s, revealAfterDue);
  return page({
    results,
    title: `tracegrade — ${s.id}: ${s.specTitle}`,
    subtitle: [`spec ${s.spec}`, `tracegrade ${results.tool.version}`].join(' · '),
    nav: '',
    main: submissionView(view.submission, { anchor: `s-${slug(s.id)}`, opts, inClass: false, leftOut: view.leftOut }),
    script: false,
    footer: `Made by tracegrade. Everything the program printed is shown as text; control characters appear as \\xNN. This page makes no network requests and needs no JavaScript.`,
  });
}

export const htmlReporter: Reporter = {
  name: 'html',
  async write(results: GradeResults, ctx: ReportContext): Promise<string[]> {
    // Pages first, so index.html links only to pages that exist; a failed page is reported, not fatal.
    const files: string[] = [];
    const failures: WriteFailure[] = [];
    const missing = new Set<string>();
    const pages = submissionPagePaths(results.submissions);
    for (const [i, s] of results.submissions.entries()) {
      const pageFile = join(ctx.outDir, ...pages[i]!.split('/'));
      try {
        await writeFileAtomic(pageFile, renderSubmissionPage(results, s, { revealAfterDue: ctx.revealAfterDue === true }));
        files.push(pageFile);
      } catch (err) {
        failures.push({ file: pageFile, reason: writeReason(err) });
        missing.add(pages[i]!);
      }
    }
    const file = join(ctx.outDir, HTML_FILE);
    try {
      await writeFileAtomic(file, renderHtml(results, { missingPages: missing }));
      files.unshift(file);
    } catch (err) {
      failures.unshift({ file, reason: writeReason(err) });
    }
    if (failures.length) throw new PartialWriteError(files, failures);
    return files;
  },
};
