/** One run on a submission's page: its facts, its timeline (SVG) and its trace as a text table. */

import type { CheckResult, SubmissionResult } from '../score/types.js';
import type { RunRecord } from '../trace/types.js';
import { checkLost } from '../score/index.js';
import { formatCount, runEnd, secsProse, truncate } from './text.js';
import { esc, timelineSvg, type Highlight, type TimelineWindow } from './timeline.js';

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

/** Caps per page: each submission has its own page, so they do not shrink with the class. */
export const DEFAULT_HTML_OPTIONS: Required<HtmlOptions> = { maxTraceRows: 300, maxLineChars: 300, maxRuns: 5, maxMarks: 300 };

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
  if (r.tampered) facts.push(['Trace', `tampered: ${r.tampered}`]);
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
      rows.push(`<tr><td colspan="5" class="muted">⋮ lines left out</td></tr>`);
      skipped = false;
    }
    shown++;
    const role = hs.some((h) => h.role === 'offending') ? 'offending' : hs.some((h) => h.role === 'near-miss') ? 'near-miss' : hs.length ? 'anchor' : '';
    const about = hs.map((h) => esc(`${h.role === 'offending' ? '✗ ' : h.role === 'near-miss' ? '? ' : ''}${h.role}${h.note ? `: ${h.note}` : ''} — ${h.checkTitle}`)).join('<br>');
    rows.push(
      `<tr class="${[role, l.stream === 'stderr' ? 'stderr' : ''].filter(Boolean).join(' ')}"><td class="num mono">${i + 1}</td><td class="num mono">${(l.tMs / 1000).toFixed(3)}</td><td class="stream">${l.stream}</td>` +
        `<td class="text">${esc(truncate(l.text, opts.maxLineChars))}${l.partial ? ' <span class="muted">(no newline)</span>' : ''}</td><td class="about">${about}</td></tr>`,
    );
  }
  if (skipped) rows.push(`<tr><td colspan="5" class="muted">⋮ lines left out</td></tr>`);
  const note =
    shown < r.trace.length
      ? ` Showing ${formatCount(shown)} of ${formatCount(r.trace.length)} lines (the first ${opts.maxTraceRows} and every line a failed check refers to); the complete trace is in results.json.`
      : '';
  const cut = ` Lines longer than ${formatCount(opts.maxLineChars)} characters are cut; control characters are shown as \\xNN.`;
  return (
    `<table class="trace"><caption>${esc(caption)}.${note}${cut}</caption>` +
    // The trace line number that explanations cite ("trace line 8, stderr").
    `<thead><tr><th scope="col" class="num">trace line</th><th scope="col" class="num">time (s)</th><th scope="col">stream</th><th scope="col">line</th><th scope="col">about</th></tr></thead>` +
    `<tbody>${rows.join('\n') || '<tr><td colspan="5" class="muted">The program printed nothing.</td></tr>'}</tbody></table>`
  );
}

/** Run `ri` of `s`: heading, facts, timeline and trace table. */
export function runSection(s: SubmissionResult, ri: number, anchor: string, opts: Required<HtmlOptions>): string {
  const r = s.runs[ri]!;
  const out: string[] = [];
  const named = r.name !== undefined ? ` '${esc(r.name)}'` : '';
  const runName = s.runs.length > 1 ? `Run${named} (${ri + 1} of ${s.runs.length})` : `Run${named}`;
  const prefix = `${anchor}-r${ri + 1}`;
  const ofRun = (c: CheckResult) => (c.run ?? 0) === ri;
  const highlights: Highlight[] = s.checks
    // Unstable checks too: the run that failed shows why, even when the policy gave full points.
    .filter((c) => (checkLost(c) || c.status === 'unstable') && ofRun(c))
    .flatMap((c) => c.lines.filter((l) => l.role !== 'context' || l.note).map((l) => ({ ...l, checkId: c.id, checkTitle: c.title })));
  const windows: TimelineWindow[] = s.checks
    .filter((c) => ofRun(c) || c.run === undefined)
    .flatMap((c) => c.windows.map((w) => ({ ...w, failed: checkLost(c), checkTitle: c.title })));
  out.push(`<h3 id="${prefix}-h">${runName}</h3>`);
  out.push(runFacts(r));
  if (r.error && r.trace.length === 0) return out.join('\n');
  const perStream = (['stdout', 'stderr'] as const).map((st) => r.trace.filter((l) => l.stream === st).length);
  const thinned = perStream.some((n) => n > opts.maxMarks)
    ? ` With ${perStream.join(' and ')} stdout and stderr lines, the timeline draws about ${opts.maxMarks} per stream, evenly spread, plus every line a failed check refers to.`
    : '';
  out.push(
    `<figure class="timeline-wrap" tabindex="0" aria-labelledby="${prefix}-cap">${timelineSvg({ run: r, idPrefix: prefix, highlights, windows, maxMarks: opts.maxMarks })}` +
      `<figcaption id="${prefix}-cap">Timeline of ${esc(s.id)}'s ${runName.toLowerCase()}: every line the program printed, by stream${r.tasks?.length ? ' and asyncio task' : ''}, at the time it was printed. The table below is the same trace as text.${thinned}${LEGEND}</figcaption></figure>`,
  );
  const open = highlights.length > 0 ? ' open' : '';
  out.push(
    `<details class="trace-details"${open}><summary>Trace as text: ${formatCount(r.trace.length)} line${r.trace.length === 1 ? '' : 's'}</summary>` +
      traceTable(r, highlights, opts, `${runName} of ${s.id}: trace line number, time, stream and text of each printed line`) +
      `</details>`,
  );
  return out.join('\n');
}
