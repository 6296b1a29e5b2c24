/**
 * Shared by the end-to-end curriculum tests: the table of docs/expected-scores.md parsed into
 * rows, and the compiled CLI run as a real process (built by `npm test`).
 */

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GradeResults } from '../src/score/types.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'tracegrade.js');
export const TABLE_FILE = join(ROOT, 'docs', 'expected-scores.md');

/** One row of the expected-scores table. */
export interface ExpectedRow {
  spec: string;
  submission: string;
  /**
   * Oldest Python the submission is written for, as [major, minor]; null for a program that is
   * not Python (the Node lesson: its Python cell is "–"). Python-only tests skip those rows.
   */
  minPython: [number, number] | null;
  /** Newest Python the row is for: a cell '3.8' (no '+') is that version only. */
  maxPython?: [number, number];
  /** Every score the submission can get (usually one; "7.6 or 7.8 / 13" lists two). */
  scores: number[];
  maxScore: number;
  fails: string[];
  skipped: string[];
  /** 1-based line in the Markdown file, for failure messages. */
  line: number;
}

export class TableError extends Error {}

/** `a`, `b` → [a, b]; "–" or "-" or "" → []. */
function idList(cell: string, where: string): string[] {
  const t = cell.trim();
  if (t === '' || t === '–' || t === '-') return [];
  return t.split(',').map((s) => {
    const m = /^`([a-z0-9_-]+)`$/.exec(s.trim());
    if (!m) throw new TableError(`${where}: expected check ids in backticks separated by commas, got '${s.trim()}'`);
    return m[1]!;
  });
}

/**
 * Parse the table of docs/expected-scores.md: the rows whose first cell is a spec name in
 * backticks. Columns: Spec | Submission | Python | Score | Fails | Skipped | description.
 */
export function parseExpectedScores(markdown: string, file = TABLE_FILE): ExpectedRow[] {
  const rows: ExpectedRow[] = [];
  markdown.split('\n').forEach((text, i) => {
    if (!/^\|\s*`/.test(text)) return;
    const where = `${file}:${i + 1}`;
    const cells = text.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length < 6) throw new TableError(`${where}: expected at least 6 cells, got ${cells.length}`);
    const [specCell, subCell, pyCell, scoreCell, failCell, skipCell] = cells as [string, string, string, string, string, string];
    const name = (c: string, what: string): string => {
      const m = /^`([A-Za-z0-9._-]+)`$/.exec(c);
      if (!m) throw new TableError(`${where}: ${what} must be a name in backticks, got '${c}'`);
      return m[1]!;
    };
    const notPython = pyCell === '–' || pyCell === '-';
    const py = /^(\d+)\.(\d+)(\+?)$/.exec(pyCell);
    if (!py && !notPython) throw new TableError(`${where}: Python must look like '3.8+', '3.8' (that version only) or '–' (not Python), got '${pyCell}'`);
    const sc = /^([\d.]+(?:\s+or\s+[\d.]+)*)\s*\/\s*([\d.]+)$/.exec(scoreCell);
    if (!sc) throw new TableError(`${where}: Score must look like '9 / 13' or '7.6 or 7.8 / 13', got '${scoreCell}'`);
    rows.push({
      spec: name(specCell, 'Spec'),
      submission: name(subCell, 'Submission'),
      minPython: py ? [Number(py[1]), Number(py[2])] : null,
      ...(py && !py[3] ? { maxPython: [Number(py[1]), Number(py[2])] as [number, number] } : {}),
      scores: sc[1]!.split(/\s+or\s+/).map(Number),
      maxScore: Number(sc[2]),
      fails: idList(failCell, where),
      skipped: idList(skipCell, where),
      line: i + 1,
    });
  });
  return rows;
}

export async function readExpectedScores(): Promise<ExpectedRow[]> {
  return parseExpectedScores(await readFile(TABLE_FILE, 'utf8'));
}

/** "3.11.7" (or a runtime string "…python3.11 (3.11.7)") → [3, 11]; null when none is found. */
export function pythonVersionOf(runtime: string | undefined): [number, number] | null {
  const m = /\((\d+)\.(\d+)[.\d\w+]*\)\s*$/.exec(runtime ?? '') ?? /^(\d+)\.(\d+)/.exec(runtime ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function atLeast(v: [number, number], min: [number, number]): boolean {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

/** Whether Python `v` is meant to run this row's program (never for a program that is not Python). */
export function forPython(row: ExpectedRow, v: [number, number]): boolean {
  return row.minPython !== null && atLeast(v, row.minPython) && (!row.maxPython || atLeast(row.maxPython, v));
}

/** Throws a clear error when the CLI has not been compiled (npm test builds it first). */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'cli.cjs'))) {
    throw new Error('dist/bundle/cli.cjs is missing: run `npm run build` first (npm test does it)');
  }
}

/**
 * `tracegrade grade <args…> --out <outDir> --reporter json` as a real process; returns the
 * parsed results.json. Fails with the CLI's own output when it does not exit 0.
 */
export async function gradeToJson(args: string[], outDir: string, timeoutMs: number): Promise<GradeResults> {
  const r = await execa(process.execPath, [BIN, 'grade', ...args, '--out', outDir, '--reporter', 'json'], {
    cwd: ROOT,
    reject: false,
    env: { NO_COLOR: '1' },
    extendEnv: true,
    timeout: timeoutMs,
  });
  if (r.exitCode !== 0) {
    throw new Error(`tracegrade grade ${args.join(' ')} exited ${r.exitCode ?? r.signal}:\n${String(r.stderr).slice(-3000)}`);
  }
  return JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')) as GradeResults;
}
