/** results.json: the complete GradeResults, documented in docs/results-json.md. */

import { randomBytes } from 'node:crypto';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import { keyOf, writeOutputs } from './output.js';
import { asSource, type ResultSource } from './source.js';
import type { ReportContext, Reporter } from './types.js';

export const RESULTS_FILE = 'results.json';

/** One submission as JSON.stringify(s, null, 2) would print it, but one trace line (and task event) per row. */
function stringifySubmission(s: SubmissionResult): string {
  // Trace lines and task events are many and tiny: print each on one line instead of six.
  const compact = new Set<unknown>();
  for (const r of s.runs ?? []) {
    for (const l of r.trace ?? []) compact.add(l);
    for (const t of r.tasks ?? []) compact.add(t);
  }
  if (compact.size === 0) return JSON.stringify(s, null, 2);
  // Each compact object becomes a short numbered placeholder, swapped for its one-line JSON
  // afterwards: the regex only ever sees placeholders, never a program's (up to 8 MiB) line.
  // A per-call nonce, so no text a program printed can forge a placeholder.
  const nonce = randomBytes(8).toString('hex');
  const rows: string[] = [];
  const json = JSON.stringify(
    s,
    function (_key, value: unknown) {
      if (!compact.has(value)) return value;
      rows.push(JSON.stringify(value));
      return `\u0000tg${nonce}:${rows.length - 1}\u0000`;
    },
    2,
  );
  return json.replace(new RegExp(`"\\\\u0000tg${nonce}:(\\d+)\\\\u0000"`, 'g'), (_m, i: string) => rows[Number(i)]!);
}

/** Indent every line but the first (JSON strings hold no raw newline: every one is layout). */
const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);

/** The top-level keys that are printed (undefined and functions are not, as in JSON.stringify). */
function keysOf(results: GradeResults): string[] {
  return Object.keys(results).filter((k) => {
    const v = (results as unknown as Record<string, unknown>)[k];
    return v !== undefined && typeof v !== 'function';
  });
}

/**
 * results.json as chunks, a submission at a time, so a class's file is never one huge string
 * in memory: pretty at the top, one trace line per row (a class's traces stay readable and
 * small). `results` gives the header and the submissions' count; `sub(j)` each full result.
 */
function* layout(results: GradeResults): Generator<string | number> {
  const keys = keysOf(results);
  yield '{';
  for (const [i, k] of keys.entries()) {
    const head = `${i ? ',' : ''}\n  ${JSON.stringify(k)}: `;
    const v = (results as unknown as Record<string, unknown>)[k];
    if (k !== 'submissions' || !Array.isArray(v) || v.length === 0) {
      yield head + indent(JSON.stringify(v, null, 2), '  ');
      continue;
    }
    yield `${head}[`;
    for (let j = 0; j < v.length; j++) yield j; // a submission's place
    yield '\n  ]';
  }
  yield keys.length ? '\n}\n' : '}\n';
}

const submissionText = (j: number, s: SubmissionResult) => `${j ? ',' : ''}\n    ${indent(stringifySubmission(s), '    ')}`;

/** results.json as chunks, from results in memory. */
export function* resultsChunks(results: GradeResults): Generator<string> {
  for (const part of layout(results)) yield typeof part === 'number' ? submissionText(part, results.submissions[part]!) : part;
}

/** results.json as chunks, each full result read from `source` as it is written, then dropped. */
export async function* sourceChunks(source: ResultSource): AsyncGenerator<string> {
  for (const part of layout(source.results)) yield typeof part === 'number' ? submissionText(part, await source.load(part)) : part;
}

/** The whole results.json text (resultsChunks joined). */
export function stringifyResults(results: GradeResults): string {
  return [...resultsChunks(results)].join('');
}

export const jsonReporter: Reporter = {
  name: 'json',
  async write(input: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]> {
    const source = asSource(input);
    // Unchanged results (a resumed finished run) are not serialised or written again.
    const { submissions: _s, ...header } = source.results;
    const key = keyOf('results', JSON.stringify(header), ...source.digests);
    return writeOutputs(ctx.outDir, 'json', (out) => out.put(RESULTS_FILE, key, () => sourceChunks(source)).then(() => undefined));
  },
};

export { openResultsFile, readResultsFile, ResultsFileError } from './results-file.js';
