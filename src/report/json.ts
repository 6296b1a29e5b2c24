/** results.json: the complete GradeResults, documented in docs/results-json.md. */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GradeResults } from '../score/types.js';
import { writeFileAtomic } from './atomic.js';
import type { ReportContext, Reporter } from './types.js';

export const RESULTS_FILE = 'results.json';

/** Serialise results: pretty at the top, one trace line per row (a class's traces stay readable and small). */
export function stringifyResults(results: GradeResults): string {
  // Trace lines and task events are many and tiny: print each on one line instead of six.
  const compact = new Set<unknown>();
  for (const s of results.submissions) {
    for (const r of s.runs) {
      for (const l of r.trace) compact.add(l);
      for (const t of r.tasks ?? []) compact.add(t);
    }
  }
  // Each compact object becomes a short numbered placeholder, swapped for its one-line JSON
  // afterwards: the regex only ever sees placeholders, never a program's (up to 8 MiB) line.
  // A per-call nonce, so no text a program printed can forge a placeholder.
  const nonce = randomBytes(8).toString('hex');
  const rows: string[] = [];
  const json = JSON.stringify(
    results,
    function (_key, value: unknown) {
      if (!compact.has(value)) return value;
      rows.push(JSON.stringify(value));
      return `\u0000tg${nonce}:${rows.length - 1}\u0000`;
    },
    2,
  );
  return json.replace(new RegExp(`"\\\\u0000tg${nonce}:(\\d+)\\\\u0000"`, 'g'), (_m, i: string) => rows[Number(i)]!) + '\n';
}

export const jsonReporter: Reporter = {
  name: 'json',
  async write(results: GradeResults, ctx: ReportContext): Promise<string[]> {
    const file = join(ctx.outDir, RESULTS_FILE);
    await writeFileAtomic(file, stringifyResults(results));
    return [file];
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
