/** The HTML view of a submission that could not be run at all: the reason once, the checks folded. */

import { renderDetailPage, renderHtml } from '../src/report/html.js';
import { classResults, noEntry, reference, singleResults } from './fixtures/results/fetch-and-count.js';

function section(html: string, anchor: string): string {
  const start = html.indexOf(`id="${anchor}"`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

test('could not run: the error box once, then every check folded under one summary, not a list of identical failures', () => {
  const results = { ...classResults(), submissions: [reference(), noEntry()] };
  const view = section(renderDetailPage(results, results.submissions[1]!, 'student.html'), 's-no-entry');
  expect(view).toContain('<p class="error-box"><strong>Could not be graded:</strong> entry file');
  const folded = /<details class="not-run"><summary>✗ (\d+) checks could not run \(0\/(\d+) points\)<\/summary><ol class="checks">/.exec(view);
  expect(folded).not.toBeNull();
  expect(Number(folded![1])).toBe(noEntry().checks.length);
  expect(Number(folded![2])).toBe(noEntry().maxScore);
  // No unfolded check list before the details.
  expect(view.slice(0, view.indexOf('<details class="not-run">'))).not.toContain('<ol class="checks">');
  // A submission that ran keeps its failures in the open.
  const ran = renderHtml(singleResults(reference()));
  expect(ran).not.toContain('class="not-run"');
});

test('the run facts say the error once', () => {
  const s = noEntry();
  s.runs = [{ ...reference().runs[0]!, trace: [], exitCode: null, error: s.error! }];
  const view = section(renderHtml(singleResults(s)), 's-no-entry');
  const facts = view.slice(view.indexOf('<dl class="facts">'), view.indexOf('</dl>'));
  expect(facts.split(s.error!.replace(/'/g, '&#39;')).length - 1).toBe(1);
});
