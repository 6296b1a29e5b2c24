/**
 * One submission's section: every check (what needs attention first, passed ones folded),
 * then each run. The same renderer makes the instructor's page (every check) and the
 * student's (the checks visibility.ts lets them see).
 */

import { checkLost, submissionCredit } from '../score/index.js';
import type { CheckResult, SubmissionResult } from '../score/types.js';
import { runSection, type HtmlOptions } from './html-run.js';
import { STATE_LABEL, STATUS_LABEL } from './html-labels.js';
import { isHiddenCheck, pts } from './text.js';
import { esc } from './timeline.js';

function checkItem(c: CheckResult, runs: number): string {
  const vis = isHiddenCheck(c) ? ` <span class="badge vis">${esc(c.visibility.replace(/_/g, ' '))}</span>` : '';
  const parts = [
    `<li class="${c.status}">`,
    `<span><span class="badge ${c.status}">${STATUS_LABEL[c.status]}</span></span>`,
    `<span class="title">${esc(c.title)}${vis} <code class="muted">${esc(c.id)}</code>${c.runName !== undefined ? ` <span class="muted">run ${esc(c.runName)}</span>` : ''}</span>`,
    `<span class="pts">${pts(c.points)}/${pts(c.maxPoints)}<span class="sr-only"> points</span></span>`,
    `<p class="msg">${esc(c.message)}</p>`,
  ];
  if (c.perRun && c.perRun.length > 1) {
    parts.push(`<p class="runs muted">${c.perRun.map((r, i) => `run ${i + 1}: ${STATUS_LABEL[r.status]}`).join(' · ')}${runs > 1 && c.run !== undefined ? ` — lines below are from run ${c.run + 1}` : ''}</p>`);
  }
  if (c.hint && checkLost(c)) parts.push(`<p class="hint">${esc(c.hint)}</p>`);
  parts.push('</li>');
  return parts.join('');
}

export interface SectionOptions {
  /** Id of the section; prefixes every id inside it. */
  anchor: string;
  opts: Required<HtmlOptions>;
  /** Links in the line under the heading: the class page, the student's page ([href, text]). */
  links?: Array<[string, string]>;
  /** Checks left out of `s` for the student (on their page): the score is over the others, and the page says so. */
  leftOut?: number;
}

export function submissionView(s: SubmissionResult, { anchor, opts, links = [], leftOut = 0 }: SectionOptions): string {
  const credit = submissionCredit(s);
  const state = credit.state;
  const out: string[] = [];
  const score = `${pts(credit.points)}/${pts(credit.max)} points (${credit.percent}%)`;
  const stateLabel = leftOut && state === 'full' ? '✓ every visible check passed' : STATE_LABEL[state];
  out.push(`<section class="submission" id="${anchor}" aria-labelledby="${anchor}-h">`);
  out.push(
    `<h2 id="${anchor}-h">${esc(s.id)} <span class="badge ${state}">${stateLabel}</span> <span class="score">${leftOut ? `score on visible checks: ${score}` : score}</span></h2>`,
  );
  const more = links.map(([href, text]) => ` · <a href="${esc(href)}">${esc(text)}</a>`).join('');
  out.push(`<p class="muted">${esc(s.path)} · spec <code>${esc(s.spec)}</code> — ${esc(s.specTitle)} · graded ${esc(s.gradedAt)}${more}</p>`);
  if (leftOut) {
    out.push(
      `<p class="hidden-note">${leftOut} more check${leftOut === 1 ? ' is' : 's are'} hidden: not shown on this page and not in the score above, ` +
        `but counted in the final grade.</p>`,
    );
  }
  if (credit.status === 'tampered') {
    out.push(`<p class="tamper-box"><strong>Flagged for review — trace tampered:</strong> ${esc(credit.reason ?? '')}. Score 0 until reviewed; the checks below judged the forged trace.</p>`);
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
  const shown = Math.min(s.runs.length, opts.maxRuns);
  for (let ri = 0; ri < shown; ri++) out.push(runSection(s, ri, anchor, opts));
  if (s.runs.length > shown) out.push(`<p class="muted">${s.runs.length - shown} more runs are in results.json.</p>`);
  out.push(`</section>`);
  return out.join('\n');
}
