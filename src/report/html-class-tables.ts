/** The class page's tables: pass rate per check, and the submissions (one row each, linking to its pages). */

import type { CreditModel, GroupCredit } from '../score/index.js';
import type { GradeResults } from '../score/types.js';
import { STATE_LABEL } from './html-labels.js';
import { pts, secsProse, truncate } from './text.js';
import { esc } from './timeline.js';

/** Pass rate per check, hardest first: which requirement the class struggles with. */
export function rateTable(g: GroupCredit, headingId: string, multiSpec: boolean): string {
  const rows = g.rates
    .map((r) => {
      const key = multiSpec && g.spec === undefined ? `${r.spec}: ${r.id}` : r.id;
      const title = multiSpec && g.spec === undefined ? `${r.spec}: ${r.title}` : r.title;
      return (
        `<tr><th scope="row"><span class="title">${esc(title)}</span>${r.hidden ? ' <span class="badge vis">hidden</span>' : ''}<br><code class="muted">${esc(key)}</code></th>` +
        `<td class="num">${pts(r.points)}</td><td class="num">${r.passed}/${r.total}</td>` +
        `<td><div class="rate"><div class="bar${r.rate < 50 ? ' low' : ''}" aria-hidden="true"><i style="width:${r.rate}%"></i></div><span>${r.rate}%</span></div></td></tr>`
      );
    })
    .join('\n');
  return `<div class="table-wrap" tabindex="0" role="region" aria-labelledby="${headingId}">
<table aria-labelledby="${headingId}">
<thead><tr><th scope="col">Check</th><th scope="col" class="num">Points</th><th scope="col" class="num">Passed</th><th scope="col">Rate</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>`;
}

export interface RowLinks {
  /** Per submission (index into results.submissions): the instructor's page of its checks and timeline. */
  detail: string[];
  /** Per submission: the page to hand to its student. */
  student: string[];
}

/**
 * Where a table's rows go: joined into the page (the default), or a placeholder that a writer
 * replaces by the rows as it streams the page (html.ts `renderHtmlChunks`): 10,000 rows never make one string.
 */
export type RowSlot = (rows: () => Iterable<string>) => string;

export const joinRows: RowSlot = (rows) => [...rows()].join('\n');

/** The table of a group's submissions; `label` names it (unique on the page: it is a landmark). */
export function submissionsTable(results: GradeResults, model: CreditModel, members: number[], links: RowLinks, tableId: string, label: string, slot: RowSlot = joinRows): string {
  const multiSpec = model.multiSpec;
  const row = (i: number): string => {
    const s = results.submissions[i]!;
    const cr = model.submissions[i]!;
    const state = cr.state;
    const notPassed = cr.reason !== undefined
      ? `<span class="muted">${state === 'tampered' ? 'trace tampered: ' : ''}${esc(truncate(cr.reason, 120))}</span>`
      : s.checks
          .filter((c) => c.status !== 'passed')
          .map((c) => `<code>${esc(c.id)}</code>${c.status === 'skipped' ? ' ○' : c.status === 'unstable' ? ' ~' : ' ✗'}`)
          .join(', ') || '<span class="muted">none</span>';
    let wall = 0;
    for (const r of s.runs) wall = Math.max(wall, r.wallMs);
    const who = `${esc(s.id)}${multiSpec ? ` (${esc(s.spec)})` : ''}`;
    return (
      `<tr data-state="${state}"><td data-sort="${esc(s.id)}">${links.detail[i] ? `<a href="${esc(links.detail[i]!)}">${esc(s.id)}</a>` : esc(s.id)}${multiSpec ? ` <span class="muted">${esc(s.spec)}</span>` : ''}` +
      `${links.student[i] ? `<a class="page-link" href="${esc(links.student[i]!)}">student page<span class="sr-only"> for ${who}</span></a>` : ''}</td>` +
      `<td class="num" data-sort="${cr.points}">${pts(cr.points)}/${pts(cr.max)}</td><td class="num" data-sort="${cr.percent}">${cr.percent}%</td>` +
      `<td data-sort="${state}"><span class="badge ${state}">${STATE_LABEL[state]}</span></td><td>${notPassed}</td>` +
      `<td class="num" data-sort="${wall}">${s.runs.length ? secsProse(wall) : '—'}</td></tr>`
    );
  };
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(label)}">
<table id="${tableId}" class="subs">
<caption>Follow a name to its checks and timeline, or “student page” to the page to hand to its student (visible checks only). ✗ failed, ○ skipped, ~ unstable.</caption>
<thead><tr><th scope="col" data-type="text">Submission</th><th scope="col" class="num" data-type="number">Score</th><th scope="col" class="num" data-type="number">%</th><th scope="col" data-type="text">Status</th><th scope="col">Not passed</th><th scope="col" class="num" data-type="number">Longest run</th></tr></thead>
<tbody>
${slot(function* () {
    for (const i of members) yield row(i);
  })}
</tbody>
</table>
</div>`;
}
