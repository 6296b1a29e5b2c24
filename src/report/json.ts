/** results.json: the complete GradeResults, documented in docs/results-json.md. */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { GradeResults, SubmissionResult } from '../score/types.js';
import { keyOf, submissionDigest, writeOutputs } from './output.js';
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

/**
 * results.json as chunks, a submission at a time, so a class's file is never one huge string
 * in memory: pretty at the top, one trace line per row (a class's traces stay readable and small).
 */
export function* resultsChunks(results: GradeResults): Generator<string> {
  const keys = Object.keys(results).filter((k) => {
    const v = (results as unknown as Record<string, unknown>)[k];
    return v !== undefined && typeof v !== 'function';
  });
  yield '{';
  for (const [i, k] of keys.entries()) {
    const head = `${i ? ',' : ''}\n  ${JSON.stringify(k)}: `;
    const v = (results as unknown as Record<string, unknown>)[k];
    if (k !== 'submissions' || !Array.isArray(v) || v.length === 0) {
      yield head + indent(JSON.stringify(v, null, 2), '  ');
      continue;
    }
    yield `${head}[`;
    for (const [j, sub] of (v as SubmissionResult[]).entries()) yield `${j ? ',' : ''}\n    ${indent(stringifySubmission(sub), '    ')}`;
    yield '\n  ]';
  }
  yield keys.length ? '\n}\n' : '}\n';
}

/** The whole results.json text (resultsChunks joined). */
export function stringifyResults(results: GradeResults): string {
  return [...resultsChunks(results)].join('');
}

export const jsonReporter: Reporter = {
  name: 'json',
  async write(results: GradeResults, ctx: ReportContext): Promise<string[]> {
    // Unchanged results (a resumed finished run) are not serialised or written again.
    const { submissions, ...header } = results;
    const key = keyOf('results', JSON.stringify(header), ...submissions.map(submissionDigest));
    return writeOutputs(ctx.outDir, 'json', (out) => out.put(RESULTS_FILE, key, () => resultsChunks(results)).then(() => undefined));
  },
};

/** Read a results.json written by tracegrade (for `tracegrade report`); a clear error when it is not one. */
export async function readResultsFile(file: string): Promise<GradeResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read results (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass the results.json a 'tracegrade grade' run wrote`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); was the file edited or cut short?`);
  }
  const d = data as Partial<GradeResults> | null;
  if (!d || typeof d !== 'object' || d.tool?.name !== 'tracegrade' || !Array.isArray(d.submissions)) {
    throw new Error(`${file}: not a tracegrade results.json (expected "tool": {"name": "tracegrade"} and a "submissions" array)`);
  }
  if (d.schemaVersion !== 1) {
    throw new Error(`${file}: results schemaVersion ${String(d.schemaVersion)} is not supported by this tracegrade (supports 1); re-grade or upgrade tracegrade`);
  }
  return d as GradeResults;
}
