/**
 * Gradescope's autograder results.json (see docs/gradescope.md). Gradescope grades one
 * submission per run, so one submission → `gradescope/results.json` (or ctx.gradescopePath);
 * a batch → one `gradescope/<id>.json` per submission (`gradescope/<spec>/<id>.json` when
 * several specs' submissions share an id). A submission graded against several
 * specs gives one document with every spec's checks.
 */

import { join } from 'node:path';
import { checkEarned, submissionCredit } from '../score/index.js';
import type { CheckResult, GradeResults, SubmissionResult } from '../score/types.js';
import { writeFileAtomic } from './atomic.js';
import { keyOf, writeOutputs } from './output.js';
import { asSource, type ResultSource } from './source.js';
import { excerptText, pts, runEnd, runOf, secsProse, slug, visible } from './text.js';
import type { ReportContext, Reporter } from './types.js';

type Vis = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  output_format: 'text';
  tags: string[];
  visibility: Vis;
  extra_data: Record<string, unknown>;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text';
  test_output_format: 'text';
  stdout_visibility: Vis;
  extra_data: Record<string, unknown>;
  tests: GradescopeTest[];
}

/** Gradescope shows `output` as text; keep each one readable and bounded. */
const OUTPUT_CHARS = 8 * 1024;

function cap(s: string): string {
  return s.length > OUTPUT_CHARS ? `${s.slice(0, OUTPUT_CHARS)}\n… (cut at ${OUTPUT_CHARS} characters)` : s;
}

function testOutput(s: SubmissionResult, c: CheckResult): string {
  const word = c.status === 'passed' ? 'Passed' : c.status === 'skipped' ? 'Skipped' : c.status === 'unstable' ? 'Unstable' : 'Failed';
  // "skipped: needs …" and "unstable: passed in 2 of 3 runs …" already say it: no "Skipped: skipped:".
  const said = c.message.toLowerCase().startsWith(`${word.toLowerCase()}:`);
  const parts = [said ? `${word}${c.message.slice(word.length)}` : `${word}: ${c.message}`];
  if (c.perRun && c.perRun.length > 1) parts.push(c.perRun.map((r, i) => `run ${i + 1}: ${r.status} — ${r.message}`).join('\n'));
  // As in the terminal: a skipped check's hint is about a check that did not run.
  if ((c.status === 'failed' || c.status === 'unstable') && c.hint) parts.push(`Hint: ${c.hint}`);
  const run = runOf(s, c);
  const of = c.runName !== undefined ? ` in run '${c.runName}'` : '';
  if (c.status !== 'passed' && run && c.lines.length) parts.push(`What your program printed${of}:\n${excerptText(run, c.lines, { width: 200 })}`);
  return cap(visible(parts.join('\n\n'), true));
}

/**
 * The Gradescope document for one student's submission. Several results for the same
 * submission (graded against several specs) become one document, tests prefixed by spec.
 */
export function toGradescope(sub: SubmissionResult | SubmissionResult[]): GradescopeResults {
  const parts = Array.isArray(sub) ? sub : [sub];
  if (parts.length === 0) throw new Error('toGradescope: no submission results');
  const multi = parts.length > 1;
  const credits = parts.map(submissionCredit);
  const tests: GradescopeTest[] = parts.flatMap((s) =>
    s.checks.map((c, k) => ({
      name: visible(multi ? `${s.spec}: ${c.title}` : c.title),
      number: '',
      score: credits[parts.indexOf(s)]!.checks[k]!.points,
      max_score: c.maxPoints,
      // Gradescope knows passed/failed only: partial or unstable credit below the maximum is a fail.
      status: checkEarned(c) ? ('passed' as const) : ('failed' as const),
      output: testOutput(s, c),
      output_format: 'text' as const,
      tags: multi ? [s.spec, c.id] : [c.id],
      visibility: c.visibility,
      extra_data: { id: c.id, spec: s.spec, status: c.status, ...(c.specLine ? { spec_line: c.specLine } : {}) },
    })),
  );
  tests.forEach((t, i) => (t.number = String(i + 1)));
  const summary = parts.flatMap((s, i) => [
    `${s.specTitle} — ${pts(credits[i]!.points)}/${pts(s.maxScore)} points`,
    ...(credits[i]!.status === 'tampered' ? [`Flagged for review — trace tampered: ${credits[i]!.reason}. Score 0 until an instructor reviews it.`] : []),
    ...(s.error && credits[i]!.status !== 'tampered' ? [`Your submission could not be run: ${s.error}`] : []),
    ...s.runs.map((r, i) => `${s.runs.length > 1 ? `Run ${i + 1}` : 'Run'}: ${runEnd(r)}, ${secsProse(r.wallMs)}${r.clock === 'virtual' ? ' (virtual clock)' : ''}.`),
  ]);
  summary.push('Each test below says what was expected, what your program printed and when.');
  const first = parts[0]!;
  const errors = parts.filter((s) => s.error).map((s) => s.error);
  const tampered = credits.filter((c) => c.status === 'tampered').map((c) => c.reason);
  return {
    score: Math.round(credits.reduce((a, c) => a + c.points, 0) * 100) / 100,
    execution_time: Math.round(parts.reduce((a, s) => a + s.durationMs, 0)) / 1000,
    output: cap(visible(summary.join('\n'), true)),
    output_format: 'text',
    test_output_format: 'text',
    // The program's raw output is in the tests' excerpts; the autograder's own stdout is for staff.
    stdout_visibility: 'hidden',
    extra_data: { tool: 'tracegrade', spec: parts.map((s) => s.spec).join(','), submission: first.id, ...(errors.length ? { error: errors.join('; ') } : {}), ...(tampered.length ? { tampered: tampered.join('; '), flagged_for_review: true } : {}) },
    tests,
  };
}

/** Indexes of the results of each student submission (same id and path), in order. */
function bySubmission(subs: SubmissionResult[]): number[][] {
  const groups = new Map<string, number[]>();
  subs.forEach((s, i) => {
    const key = `${s.id}\u0000${s.path}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()];
}

export const gradescopeReporter: Reporter = {
  name: 'gradescope',
  async write(input: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]> {
    const source = asSource(input);
    const subs = source.results.submissions;
    const groups = bySubmission(subs);
    if (groups.length === 0) return [];
    // A group's full results are read when its document is rendered, then dropped.
    const doc = async (g: number[]) => {
      const full: SubmissionResult[] = [];
      for (const i of g) full.push(await source.load(i));
      return JSON.stringify(toGradescope(full), null, 2) + '\n';
    };
    if (groups.length === 1) {
      // Gradescope's own path (/autograder/results/results.json) is written as is, every time.
      const file = ctx.gradescopePath ?? join(ctx.outDir, 'gradescope', 'results.json');
      await writeFileAtomic(file, await doc(groups[0]!));
      return [file];
    }
    const used = new Set<string>();
    // `<id>.json` when the id names one student; the bundled layout reuses ids across specs
    // (every assignment has a `reference`), so then `<spec>/<id>.json`.
    const idCount = new Map<string, number>();
    for (const g of groups) idCount.set(subs[g[0]!]!.id, (idCount.get(subs[g[0]!]!.id) ?? 0) + 1);
    return writeOutputs(ctx.outDir, 'gradescope', async (out) => {
      for (const g of groups) {
        const id = subs[g[0]!]!.id;
        let name = idCount.get(id)! > 1 ? `${slug([...new Set(g.map((i) => subs[i]!.spec))].join('+'))}/${slug(id)}` : slug(id);
        while (used.has(name)) name += '_';
        used.add(name);
        const key = keyOf('gradescope', ...g.map((i) => source.digests[i]!));
        // Read and rendered only when the key changed.
        await out.tryPut(`gradescope/${name}.json`, key, () => doc(g));
      }
    });
  },
};
