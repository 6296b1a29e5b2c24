/**
 * Text helpers shared by the writers: making what a program printed safe to show (control
 * characters, lone surrogates, huge lines), time formats, and the FileCheck-style trace excerpt.
 */

import { isAbsolute, relative, sep } from 'node:path';
import type { LineRef } from '../check/types.js';
import { submissionCredit, type CreditState } from '../score/index.js';
import type { CheckResult, CheckResultStatus, SubmissionResult } from '../score/types.js';
import type { RunRecord, Stream } from '../trace/types.js';

export { visible } from './visible.js';
import { visible } from './visible.js';
import { defuseLine } from './ci-log.js';

/** About the length of the note truncate() appends; a line at most this much too long is kept whole. */
const TRUNCATION_NOTE_CHARS = 24;

/**
 * Cut a string to about `max` characters, saying how much was left out (a line only a little
 * longer is kept whole: the note would take more room than it saves). Never splits a surrogate pair.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  // Hiding fewer characters than the note would take ("… [3 more characters]") saves nothing.
  if (s.length - max <= TRUNCATION_NOTE_CHARS) return s;
  let cut = max;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${s.slice(0, cut)}… [${formatCount(s.length - cut)} more characters]`;
}

/** A printed line ready to show: cut first (a 5 MB line must not be scanned whole), then made visible. */
export function showLine(s: string, max: number): string {
  const v = visible(truncate(s, max));
  // Escapes (\x1b) make a line longer than it was: cut again so the width holds.
  return v.length > max + 40 ? truncate(v, max) : v;
}

/** 12345 → "12,345". By hand: the first toLocaleString of a process loads ICU's locale data (~12 ms of a CLI start). */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

/** "2.57s" for a margin. */
export function secs(ms: number, digits = 2): string {
  return `${(ms / 1000).toFixed(digits)}s`;
}

/** "2.57 s" for prose. */
export function secsProse(ms: number, digits = 2): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** Seconds with a '.' decimal point whatever the locale (JUnit, Gradescope). */
export function secondsDot(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Points without float noise: 0.2, 1, 1.5. */
export function pts(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function percent(score: number, max: number): number {
  return max > 0 ? Math.round((score / max) * 1000) / 10 : 0;
}

/** Visibilities a student does not see before grades are published. */
export function isHiddenCheck(c: Pick<CheckResult, 'visibility'>): boolean {
  return c.visibility !== 'visible';
}

export const STATUS_SYMBOL: Record<CheckResultStatus, string> = {
  passed: '✓',
  failed: '✗',
  skipped: '○',
  unstable: '~',
};

/** The overall state of a submission, for summary lines and filters: the credit model's. */
export type SubmissionState = CreditState;

export function submissionState(s: SubmissionResult): SubmissionState {
  return submissionCredit(s).state;
}

/** One sentence about how a run ended: "exit 0", "killed (SIGKILL): killed after the 10 s wall-time limit". */
export function runEnd(r: RunRecord): string {
  if (r.error) return `could not run: ${r.error}`;
  if (r.endDetail) {
    // Add the code/signal unless the detail already says it ("exited with code 0").
    const how = [
      r.signal && !r.endDetail.includes(r.signal) ? r.signal : '',
      r.exitCode !== null && !/\b(exit|code)\b/.test(r.endDetail) ? `exit ${r.exitCode}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${r.endDetail}${how ? ` (${how})` : ''}`;
  }
  const parts: string[] = [];
  if (r.timedOut) parts.push('timed out');
  if (r.exitCode !== null) parts.push(`exit ${r.exitCode}`);
  if (r.signal) parts.push(`killed (${r.signal})`);
  if (r.endDetail) parts.push(r.endDetail);
  if (r.truncated && !/limit/.test(r.endDetail ?? '')) parts.push('output truncated at the limit');
  return parts.join(', ') || r.end;
}

/** The run a check's lines refer to. */
export function runOf(s: SubmissionResult, c: CheckResult): RunRecord | undefined {
  return s.runs[c.run ?? 0];
}

export interface ExcerptRow {
  /** Trace index, or -1 for a gap marker. */
  index: number;
  tMs: number;
  stream: Stream;
  text: string;
  refs: LineRef[];
}

/**
 * The trace lines around the lines a check refers to (FileCheck's annotated input dump):
 * `context` lines either side of each referenced line, overlapping ranges merged, gaps marked
 * by a row with index -1. At most `maxRows` rows.
 */
export function traceExcerpt(run: RunRecord, refs: LineRef[], opts: { context?: number; maxRows?: number } = {}): ExcerptRow[] {
  const context = opts.context ?? 2;
  const maxRows = opts.maxRows ?? 30;
  const n = run.trace.length;
  const byIndex = new Map<number, LineRef[]>();
  for (const r of refs) {
    if (r.index < 0 || r.index >= n) continue;
    byIndex.set(r.index, [...(byIndex.get(r.index) ?? []), r]);
  }
  if (byIndex.size === 0) return [];
  const keep = new Set<number>();
  for (const i of byIndex.keys()) {
    for (let j = Math.max(0, i - context); j <= Math.min(n - 1, i + context); j++) keep.add(j);
  }
  const rows: ExcerptRow[] = [];
  let prev = -1;
  for (const i of [...keep].sort((a, b) => a - b)) {
    if (rows.length >= maxRows) break;
    if (prev >= 0 && i > prev + 1) rows.push({ index: -1, tMs: 0, stream: 'stdout', text: '', refs: [] });
    const l = run.trace[i]!;
    rows.push({ index: i, tMs: l.tMs, stream: l.stream, text: l.text, refs: byIndex.get(i) ?? [] });
    prev = i;
  }
  return rows;
}

/** What a ref annotation says: "offending: expected before '8'". */
export function refLabel(r: LineRef): string {
  if (r.role === 'context' && !r.note) return '';
  return r.note ? `${r.role}: ${r.note}` : r.role;
}

/** Plain-text excerpt (no colour), as in the terminal, for JUnit and Gradescope bodies. */
export function excerptText(run: RunRecord, refs: LineRef[], opts: { width?: number; maxRows?: number } = {}): string {
  const width = opts.width ?? 160;
  const rows = traceExcerpt(run, refs, { maxRows: opts.maxRows });
  const body = rows
    .map((row) => {
      if (row.index < 0) return '                ⋮';
      // Trace line number, then time: explanations cite lines as "trace line 8" of this trace.
      const t = excerptMargin(row.index, row.tMs);
      const err = row.stream === 'stderr' ? '[stderr] ' : '';
      const label = row.refs.map(refLabel).filter(Boolean).join('; ');
      // These bodies (JUnit, Gradescope) end up printed in CI logs by other tools: defuse commands.
      return defuseLine(`${t} │ ${err}${showLine(row.text, width)}${label ? `   ← ${visible(label)}` : ''}`);
    })
    .join('\n');
  return `${EXCERPT_HEAD} │ text\n${body}`;
}

/** The excerpts' column heads: the number is the "trace line 8" explanations cite. */
export const EXCERPT_HEAD = 'trace line, time';

/** "      8    2.57s": the trace line number and time, as wide as EXCERPT_HEAD so the columns line up. */
export function excerptMargin(index: number, tMs: number): string {
  return `${String(index + 1).padStart(7)} ${secs(tMs).padStart(8)}`;
}

/** Filesystem- and anchor-safe id: "late-done", "alice_2". */
export function slug(s: string): string {
  const out = s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return out || 'submission';
}

/** A path relative to `cwd` when it lies inside it (repo-relative paths for CI annotations), else as is. */
export function relPath(file: string, cwd: string): string {
  if (!file || !isAbsolute(file)) return file;
  const r = relative(cwd, file);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r.split(sep).join('/') : file;
}
