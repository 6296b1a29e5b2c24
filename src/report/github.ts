/**
 * GitHub Actions: `::error` workflow commands pointing at the spec line of each failed check
 * (GitHub shows at most 10 error annotations per step, so the rest are summarised in one),
 * and a Markdown summary appended to $GITHUB_STEP_SUMMARY (at most 1 MiB per step).
 * Does nothing unless GITHUB_ACTIONS=true.
 */

import { appendFile, stat } from 'node:fs/promises';
import { checkLost, creditModel } from '../score/index.js';
import type { CheckResult, GradeResults, SubmissionResult } from '../score/types.js';
import { isHiddenCheck, percent, pts, relPath, STATUS_SYMBOL, truncate, visible } from './text.js';
import { writeCommand } from './ci-log.js';
import { asSource, wholeResults, type ResultSource } from './source.js';
import type { ReportContext, Reporter } from './types.js';

export const MAX_ANNOTATIONS = 10;
export const SUMMARY_LIMIT = 1024 * 1024;

/** Escape a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow command property value (also ':' and ','). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface Annotation {
  file?: string;
  line?: number;
  title: string;
  message: string;
}

export function formatAnnotation(a: Annotation): string {
  const props: string[] = [];
  if (a.file) props.push(`file=${escapeProperty(a.file)}`);
  if (a.file && a.line) props.push(`line=${a.line}`);
  props.push(`title=${escapeProperty(a.title)}`);
  return `::error ${props.join(',')}::${escapeData(a.message)}`;
}

/** Program text in an annotation: visible, one paragraph, bounded. */
function clean(s: string, max = 1000): string {
  return visible(truncate(s, max), true);
}

interface FailureGroup {
  /** The first submission that lost the check's points (the example), its index, the check. */
  s: SubmissionResult;
  at: number;
  c: CheckResult;
  failed: SubmissionResult[];
  total: number;
}

/** Per check (spec file and id) shown: who lost its points, and the first of them as the example. */
function failureGroups(results: GradeResults, shown: (c: CheckResult) => boolean): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  results.submissions.forEach((s, at) => {
    for (const c of s.checks.filter(shown)) {
      const key = `${s.specFile}\u0000${c.id}`;
      const g = groups.get(key) ?? { s, at, c, failed: [], total: 0 };
      g.total++;
      if (checkLost(c) && !s.error) {
        if (g.failed.length === 0) Object.assign(g, { s, at, c });
        g.failed.push(s);
      }
      groups.set(key, g);
    }
  });
  return [...groups.values()].filter((g) => g.failed.length > 0);
}

/** The submissions a class's annotations quote (each failing check's example): their full results are needed. */
export function annotationExamples(results: GradeResults, opts: { showHidden: boolean }): number[] {
  if (results.submissions.length === 1) return [0];
  return [...new Set(failureGroups(results, (c) => opts.showHidden || !isHiddenCheck(c)).map((g) => g.at))];
}

/**
 * The annotations for a set of results. One submission: one per failed check. A class: one per
 * failing check (spec line), naming the submissions, since ten per step go nowhere in a class.
 * `full` holds the full results of the examples when `results` holds summaries (report/source.ts).
 */
export function annotations(results: GradeResults, opts: { cwd: string; showHidden: boolean }, full?: ReadonlyMap<number, SubmissionResult>): Annotation[] {
  const out: Annotation[] = [];
  const subs = results.submissions;
  const shown = (c: CheckResult) => opts.showHidden || !isHiddenCheck(c);
  const model = creditModel(results);
  subs.forEach((s, i) => {
    const cr = model.submissions[i]!;
    if (cr.status === 'tampered') out.push({ file: relPath(s.specFile, opts.cwd), title: `${s.id}: flagged for review`, message: clean(`trace tampered: ${cr.reason}`) });
    else if (s.error) out.push({ file: relPath(s.specFile, opts.cwd), title: `${s.id}: could not be graded`, message: clean(s.error) });
  });
  if (subs.length === 1) {
    const s = full?.get(0) ?? subs[0]!;
    for (const c of s.checks.filter((c) => checkLost(c) && shown(c))) {
      const hint = c.hint ? `\nHint: ${c.hint}` : '';
      out.push({
        file: relPath(s.specFile, opts.cwd),
        line: c.specLine,
        title: `${c.title} (${pts(c.points)}/${pts(c.maxPoints)} points)`,
        message: clean(c.message + hint),
      });
    }
    return out;
  }
  for (const g of failureGroups(results, shown)) {
    const names = g.failed.map((s) => s.id);
    const list = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
    // The example's message, from its full result when the results are summaries.
    const example = full?.get(g.at)?.checks[g.s.checks.indexOf(g.c)] ?? g.c;
    out.push({
      file: relPath(g.s.specFile, opts.cwd),
      line: g.c.specLine,
      title: `${g.c.title}: failed in ${g.failed.length} of ${g.total}`,
      message: clean(`Failed in ${list}.\nFor example ${g.s.id}: ${example.message}`),
    });
  }
  return out;
}

/** At most MAX_ANNOTATIONS lines: the first nine, then one that counts the rest. */
export function annotationLines(list: Annotation[]): string[] {
  if (list.length <= MAX_ANNOTATIONS) return list.map(formatAnnotation);
  const head = list.slice(0, MAX_ANNOTATIONS - 1);
  const rest = list.slice(MAX_ANNOTATIONS - 1);
  const more: Annotation = {
    title: `${rest.length} more failed checks`,
    message: `GitHub shows ${MAX_ANNOTATIONS} annotations per step; also failed: ${rest.map((a) => a.title).join('; ')}. See the job summary or the HTML report.`,
  };
  return [...head, more].map(formatAnnotation);
}

/**
 * A Markdown table cell: no newlines, no HTML, no Markdown. The characters Markdown/GFM give a
 * meaning (links and images `[ ] !`, emphasis, code, HTML, tables, math `$`, strikethrough) and
 * the starts of autolinks (`://`, `www.`, `@mention`, `#123`) become numeric entities: cmark
 * makes each entity its own text node, so a student's `![x](https://…)` or `www.evil.example`
 * renders as those characters, never as a link or an image. Other text stays readable.
 */
export function mdCell(s: string, max = 300): string {
  return visible(truncate(s, max)).replace(/[\\`*[\]<>|!&~$]|(?<!\w)_|_(?!\w)|:(?=\/\/)|(?<=\bwww)\.|@(?=\w)|#(?=\d)/gi, (c) => `&#${c.charCodeAt(0)};`);
}

/** A code span: nothing inside is Markdown; only a backtick or a pipe could end it or the cell. */
export function mdCode(s: string, max = 100): string {
  return `\`${visible(truncate(s, max)).replace(/[`|]/g, '?')}\``;
}

const MD_STATUS: Record<string, string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped', unstable: '⚠️ unstable' };

/** The step summary, as lines (so it can be cut at the size limit between lines). */
export function summaryLines(results: GradeResults, opts: { showHidden: boolean }): string[] {
  const subs = results.submissions;
  const shown = (c: CheckResult) => opts.showHidden || !isHiddenCheck(c);
  const specs = [...new Set(subs.map((s) => `${mdCell(s.specTitle)} (${mdCode(s.spec)})`))];
  // Several specs (a whole curriculum): check ids and submission ids repeat across them (every
  // assignment has a `reference`, a `clean-exit`), so rows are keyed and labelled by spec.
  const multiSpec = new Set(subs.map((s) => s.spec)).size > 1;
  const lines: string[] = multiSpec
    ? [`## tracegrade: ${specs.length} specs`, '', specs.map((t) => `- ${t}`).join('\n'), '']
    : [`## tracegrade: ${specs.join(', ')}`, ''];
  if (subs.length === 1) {
    const s = subs[0]!;
    const checks = s.checks.filter(shown);
    const cr = creditModel(results).submissions[0]!;
    const score = cr.status === 'tampered' ? 0 : checks.reduce((a, c) => a + c.points, 0);
    const max = checks.reduce((a, c) => a + c.maxPoints, 0);
    lines.push(`**${mdCell(s.id)}: ${pts(score)}/${pts(max)} points (${percent(score, max)}%)**`, '');
    if (cr.status === 'tampered') lines.push(`> 🚩 Flagged for review — trace tampered: ${mdCell(cr.reason ?? '', 1000)}`, '');
    if (s.error) lines.push(`> ❗ Could not be graded: ${mdCell(s.error, 1000)}`, '');
    lines.push('| Status | Check | Points | Explanation |', '|---|---|---:|---|');
    for (const c of checks) {
      const why = c.status === 'passed' ? mdCell(c.message) : `${mdCell(c.message)}${c.hint ? `<br>**Hint:** ${mdCell(c.hint)}` : ''}`;
      lines.push(`| ${MD_STATUS[c.status]} | ${mdCell(c.title)} | ${pts(c.points)}/${pts(c.maxPoints)} | ${why} |`);
    }
    return lines;
  }
  const n = subs.length;
  const model = creditModel(results);
  const { fullCredit: full, couldNotGrade: errors, tampered, mean } = model.class;
  lines.push(`**${n} submissions** · mean ${mean.toFixed(1)}% · ${full} at full marks${errors ? ` · ${errors} could not be graded` : ''}${tampered ? ` · ${tampered} flagged for review` : ''}`, '');
  // Which requirement the class struggles with, worst first.
  lines.push('### Checks, hardest first', '', '| Check | Passed | Rate |', '|---|---:|---:|');
  for (const r of model.class.rates.filter((r) => opts.showHidden || !r.hidden)) {
    lines.push(`| ${mdCell(multiSpec ? `${r.spec}: ${r.title}` : r.title)} | ${r.passed}/${r.total} | ${r.rate}% |`);
  }
  lines.push(
    '',
    '### Submissions',
    '',
    multiSpec ? '| Submission | Spec | Score | Status | Not passed |' : '| Submission | Score | Status | Not passed |',
    multiSpec ? '|---|---|---:|---|---|' : '|---|---:|---|---|',
  );
  for (const [i, s] of subs.entries()) {
    const cr = model.submissions[i]!;
    const state = cr.state;
    const status = state === 'full' ? '✅ full marks' : state === 'error' ? '❗ error' : state === 'tampered' ? '🚩 flagged for review' : '❌ points lost';
    const lost = state === 'tampered'
      ? `trace tampered: ${mdCell(cr.reason ?? '', 200)}`
      : s.error
      ? mdCell(s.error, 200)
      : s.checks
          .filter((c) => shown(c) && c.status !== 'passed')
          .map((c) => `${STATUS_SYMBOL[c.status]} ${mdCell(c.id)}`)
          .join(', ');
    lines.push(`| ${mdCell(s.id)} |${multiSpec ? ` ${mdCode(s.spec)} |` : ''} ${pts(cr.points)}/${pts(cr.max)} | ${status} | ${lost} |`);
  }
  return lines;
}

/** Join summary lines within `limit` bytes, saying what was left out. */
export function fitSummary(lines: string[], limit: number): string {
  const note = (k: number) => `\n_… ${k} more lines left out: the step summary is limited to 1 MiB. See results.json or the HTML report._\n`;
  let out = '';
  let size = 0;
  for (const [i, l] of lines.entries()) {
    const bytes = Buffer.byteLength(l, 'utf8') + 1;
    if (size + bytes + 200 > limit) return out + note(lines.length - i);
    out += l + '\n';
    size += bytes;
  }
  return out;
}

export const githubReporter: Reporter = {
  name: 'github',
  async write(input: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]> {
    const source = asSource(input);
    if (ctx.env.GITHUB_ACTIONS !== 'true') return [];
    // A class's annotations and summary read the summaries; one submission reads its full result.
    const results = source.results.submissions.length === 1 ? await wholeResults(source) : source.results;
    // The examples the annotations quote, read whole (a few: one per failing check).
    const showHidden = ctx.showHidden ?? true;
    const full = new Map<number, SubmissionResult>();
    if (results !== source.results) full.set(0, results.submissions[0]!);
    else for (const i of annotationExamples(results, { showHidden })) full.set(i, await source.load(i));
    const cwd = ctx.env.GITHUB_WORKSPACE ?? ctx.cwd ?? process.cwd();
    for (const line of annotationLines(annotations(results, { cwd, showHidden }, full))) writeCommand(ctx.stdout, line);
    const file = ctx.env.GITHUB_STEP_SUMMARY;
    if (!file) return [];
    // The limit is per step: count what earlier steps' commands already appended.
    const used = await stat(file).then((st) => st.size).catch(() => 0);
    const budget = SUMMARY_LIMIT - used;
    if (budget < 1024) return [];
    await appendFile(file, fitSummary(summaryLines(results, { showHidden }), budget) + '\n');
    return [file];
  },
};
