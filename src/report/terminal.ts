/**
 * Terminal output: per check ✓ ✗ ○ ~ with points and explanation, the hint on failure, a
 * FileCheck-style trace excerpt with times in the margin, and a score line. Colour only when
 * asked (the caller decides from isTTY/NO_COLOR: see `useColor`).
 */

import { defuseText, stopCommands } from './ci-log.js';
import { creditModel, submissionCredit } from '../score/index.js';
import type { CheckResult, GradeResults, SubmissionResult } from '../score/types.js';
import {
  STATUS_SYMBOL,
  isHiddenCheck,
  percent,
  pts,
  refLabel,
  runEnd,
  runOf,
  secs,
  secsProse,
  showLine,
  traceExcerpt,
  EXCERPT_HEAD,
  excerptMargin,
  visible,
} from './text.js';
import { asSource, wholeResults, type ResultSource } from './source.js';
import type { ReportContext, Reporter } from './types.js';

export interface RenderOptions {
  color: boolean;
  /** Show checks whose visibility is not 'visible' (instructors); students never see them. */
  showHidden: boolean;
  /** Terminal width for wrapping explanations (default DEFAULT_WIDTH; see terminalWidth). */
  width?: number;
}

/** The default width when the output is not a terminal (a pipe, a CI log). */
export const DEFAULT_WIDTH = 100;

/**
 * The width to wrap to: the terminal's columns on a TTY (a pseudo-terminal may report 0: then
 * the default), never below 40 (narrower is unreadable either way) nor above 160 (long lines
 * of prose are hard to read even on a wide screen).
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number {
  const cols = stream.isTTY === true ? stream.columns : undefined;
  if (!cols || !Number.isFinite(cols) || cols <= 0) return DEFAULT_WIDTH;
  return Math.min(160, Math.max(40, Math.floor(cols)));
}

/** Colour on a TTY only, never with NO_COLOR set (https://no-color.org); FORCE_COLOR forces it. */
export function useColor(env: Record<string, string | undefined>, stream: { isTTY?: boolean }): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

type Paint = (s: string) => string;
interface Palette {
  green: Paint;
  red: Paint;
  yellow: Paint;
  dim: Paint;
  bold: Paint;
  cyan: Paint;
}

function palette(color: boolean): Palette {
  const sgr = (open: number, close: number): Paint => (color ? (s) => `\x1b[${open}m${s}\x1b[${close}m` : (s) => s);
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22), cyan: sgr(36, 39) };
}

/** Wrap prose to `width`, indenting every line. */
function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/ +/)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(indent + line);
  }
  return out.join('\n');
}

function statusPaint(c: CheckResult, p: Palette): Paint {
  return c.status === 'passed' ? p.green : c.status === 'failed' ? p.red : c.status === 'unstable' ? p.yellow : p.dim;
}

function renderExcerpt(s: SubmissionResult, c: CheckResult, p: Palette, width: number): string[] {
  const run = runOf(s, c);
  if (!run || c.lines.length === 0) return [];
  const rows = traceExcerpt(run, c.lines, { context: 2, maxRows: 24 });
  const textWidth = Math.max(30, width - 40);
  const lines: string[] = [];
  if (s.runs.length > 1) lines.push(p.dim(`      run ${c.runName !== undefined ? `'${visible(c.runName)}' (${(c.run ?? 0) + 1} of ${s.runs.length})` : `${(c.run ?? 0) + 1} of ${s.runs.length}`}:`));
  lines.push(`  ${p.dim(`${EXCERPT_HEAD} │`)}`);
  for (const row of rows) {
    if (row.index < 0) {
      lines.push(p.dim('                  ⋮'));
      continue;
    }
    // The trace line number first: explanations cite lines as "trace line 8" of this trace.
    const margin = excerptMargin(row.index, row.tMs);
    const err = row.stream === 'stderr' ? p.yellow('[stderr] ') : '';
    const bad = row.refs.some((r) => r.role === 'offending');
    const near = row.refs.some((r) => r.role === 'near-miss');
    const text = showLine(row.text, textWidth);
    const label = row.refs.map(refLabel).filter(Boolean).join('; ');
    const shown = bad ? p.red(p.bold(text)) : near ? p.yellow(text) : row.refs.length ? p.bold(text) : text;
    const note = label ? `   ${(bad ? p.red : near ? p.yellow : p.cyan)(`← ${visible(label)}`)}` : '';
    lines.push(`  ${p.dim(`${margin} │`)} ${err}${shown}${note}`);
  }
  return lines;
}

/** One check: symbol, title, points; then explanation, hint (on failure) and excerpt. */
function renderCheck(s: SubmissionResult, c: CheckResult, p: Palette, width: number): string[] {
  const paint = statusPaint(c, p);
  const hidden = isHiddenCheck(c) ? p.dim(` [${c.visibility.replace(/_/g, ' ')}]`) : '';
  // With named runs (runs:), which run the check looked at.
  const runTag = c.runName !== undefined ? ` [${visible(c.runName)}]` : '';
  const head = `${paint(STATUS_SYMBOL[c.status])} ${visible(c.title)}${p.dim(runTag)}${hidden}`;
  const score = `${pts(c.points)}/${pts(c.maxPoints)}`;
  // Pad by visible length (escape codes do not take columns).
  const plainLen = 2 + visible(c.title).length + runTag.length + (isHiddenCheck(c) ? c.visibility.length + 3 : 0);
  const gap = Math.max(2, width - 2 - plainLen - score.length);
  const out = [`  ${head}${' '.repeat(gap)}${paint(score)}`];
  if (c.status !== 'passed') {
    out.push(p.dim(wrap(visible(c.message), width, '      ')));
    if (c.perRun && c.perRun.length > 1) {
      out.push(p.dim(`      runs: ${c.perRun.map((r, i) => `${i + 1} ${STATUS_SYMBOL[r.status]}`).join('  ')}`));
    }
    if (c.hint && c.status !== 'skipped') out.push(p.cyan(wrap(`hint: ${visible(c.hint)}`, width, '      ')));
    out.push(...renderExcerpt(s, c, p, width));
  }
  return out;
}

/** The full report for one submission, as the student `check` command prints it. Ends with a newline. */
export function renderSubmission(result: SubmissionResult, opts: RenderOptions): string {
  const p = palette(opts.color);
  const width = opts.width ?? DEFAULT_WIDTH;
  const out: string[] = [];
  out.push(p.bold(`${visible(result.specTitle)}`) + p.dim(`  (${visible(result.spec)})`));
  out.push(`submission ${p.bold(visible(result.id))}  ${p.dim(visible(result.path))}`);
  const credit = submissionCredit(result);
  if (credit.status === 'tampered') out.push('', p.red(wrap(`⚑ flagged for review — trace tampered: ${visible(credit.reason ?? '')} (score 0)`, width, '  ')), '');
  if (result.error && credit.status !== 'tampered') {
    out.push('', p.red(wrap(`✗ could not be graded: ${visible(result.error)}`, width, '  ')), '');
  }
  for (const [i, r] of result.runs.entries()) {
    const label = result.runs.length > 1 ? `run ${i + 1}: ` : 'run: ';
    const facts = [
      runEnd(r),
      `${secsProse(r.wallMs)}${r.clock === 'virtual' ? ' (virtual clock)' : ''}`,
      `sandbox ${r.sandbox.level}${r.sandbox.reason ? ` (${r.sandbox.reason})` : ''}`,
      ...(r.clockFallback ? [`real clock: ${r.clockFallback}`] : []),
    ];
    out.push(p.dim(`${label}${visible(facts.join(' · '))}`));
  }
  out.push('');
  const shown = result.checks.filter((c) => opts.showHidden || !isHiddenCheck(c));
  for (const c of shown) out.push(...renderCheck(result, c, p, width));
  const score = credit.status === 'tampered' ? 0 : shown.reduce((s, c) => s + c.points, 0);
  const max = shown.reduce((s, c) => s + c.maxPoints, 0);
  const counts = (['passed', 'failed', 'unstable', 'skipped'] as const)
    .map((st) => [st, shown.filter((c) => c.status === st).length] as const)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => `${n} ${st}`)
    .join(', ');
  const allPassed = !credit.reason && shown.every((c) => c.status === 'passed');
  const scorePaint = allPassed ? p.green : score > 0 ? p.yellow : p.red;
  out.push('');
  out.push(`${p.bold('Score')} ${scorePaint(p.bold(`${pts(score)}/${pts(max)}`))} (${percent(score, max)}%)  ${p.dim(counts)}`);
  return out.join('\n') + '\n';
}

/** One line per submission, for batch runs (no newline); coloured like the rest when `color` (a TTY). */
export function renderSummaryLine(result: SubmissionResult, color = false): string {
  const p = palette(color);
  const credit = submissionCredit(result);
  const state = credit.state;
  const sym = state === 'full' ? '✓' : state === 'error' ? '!' : state === 'tampered' ? '⚑' : '✗';
  const paint = state === 'full' ? p.green : state === 'partial' ? p.yellow : p.red;
  const head = `${paint(sym)} ${p.bold(visible(result.id))}  ${pts(credit.points)}/${pts(credit.max)} (${credit.percent}%)  ${visible(result.spec)}`;
  if (state === 'tampered') return `${head}  ${p.red(`flagged for review: trace tampered: ${showLine(credit.reason ?? '', 160)}`)}`;
  if (result.error) return `${head}  ${p.red(`error: ${showLine(result.error, 160)}`)}`;
  const failed = result.checks.filter((c) => c.status === 'failed').map((c) => c.id);
  const unstable = result.checks.filter((c) => c.status === 'unstable').map((c) => c.id);
  const runs = result.runs;
  const last = runs[runs.length - 1];
  const fellBack = runs.find((r) => r.clockFallback)?.clockFallback;
  const tail = [
    failed.length ? p.red(`failed: ${failed.join(', ')}`) : '',
    unstable.length ? p.yellow(`unstable: ${unstable.join(', ')}`) : '',
    last ? p.dim(`${secsProse(last.wallMs)}${last.timedOut ? ' timed out' : ''}`) : '',
    // A virtual clock asked for and not had: the times are real ones, say so on every line.
    fellBack ? p.yellow(`real clock: ${showLine(fellBack, 120)}`) : '',
  ].filter(Boolean);
  return `${head}${tail.length ? '  ' + tail.join('  ') : ''}`;
}

export const terminalReporter: Reporter = {
  name: 'terminal',
  async write(input: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]> {
    const source = asSource(input);
    // A class: a line per submission from the summaries; one submission: its full result.
    const results = source.results.submissions.length === 1 ? await wholeResults(source) : source.results;
    const color = useColor(ctx.env, ctx.stdout);
    const showHidden = ctx.showHidden ?? true;
    // Student text is quoted here: on GitHub Actions the runner ignores commands until the token.
    const write = (t: string) => ctx.stdout.write(defuseText(t));
    const guard = results.submissions.length ? stopCommands : (_o: unknown, _e: unknown, body: () => void) => body();
    guard(ctx.stdout, ctx.env, () => {
      if (results.submissions.length === 1) {
        write(renderSubmission(results.submissions[0]!, { color, showHidden, width: terminalWidth(ctx.stdout) }));
      } else {
        for (const s of results.submissions) write(renderSummaryLine(s, color) + '\n');
        const n = results.submissions.length;
        const { fullCredit: full, mean, tampered } = creditModel(results).class;
        write(`${n} submissions: ${full} at full marks, mean ${mean.toFixed(1)}%${tampered ? `, ${tampered} flagged for review (trace tampered)` : ''}\n`);
      }
    });
    return [];
  },
};
