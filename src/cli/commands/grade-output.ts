/** What `grade` says after grading: the reports (a write failure loses no score) and setup problems said once. */

import { join } from 'node:path';
import type { GradeResults } from '../../score/types.js';
import type { ResultSource } from '../../report/source.js';
import { renderSummaryLine } from '../deps.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { emitReports, type EmitOptions } from './report.js';

/**
 * Write the reports; a write failure (exit 4) is printed, not thrown, and when results.json is
 * not on disk every score goes to stdout, so nothing graded is lost.
 */
export async function reportAll(source: ResultSource, io: Io, outDir: string, names: string[], options: EmitOptions): Promise<{ files: string[]; failed: boolean }> {
  const results = source.results;
  try {
    return { files: await emitReports(source, io, outDir, names, options), failed: false };
  } catch (err) {
    if (!(err instanceof CliError) || err.exitCode !== EXIT.writeFailed) throw err;
    io.stderr.write(`tracegrade grade: ${err.message}\n${err.hint ? `${err.hint}\n` : ''}`);
    const written = (err as CliError & { written?: string[] }).written ?? [];
    if (!written.includes(join(outDir, 'results.json'))) printScores(results, io);
    return { files: written, failed: true };
  }
}

/**
 * A setup problem (python3 missing, sandbox unavailable) makes every submission fail the same
 * way; say it once, plainly, instead of leaving it inside each result.
 */
export function surfaceSetupErrors(results: GradeResults, io: Io): void {
  const counts = new Map<string, number>();
  for (const s of results.submissions) {
    const e = s.error ?? s.runs.find((r) => r.error)?.error;
    if (e) counts.set(e, (counts.get(e) ?? 0) + 1);
  }
  for (const [e, k] of counts) {
    if (k >= 2 || results.submissions.length === 1) {
      io.stderr.write(`error: ${k} submission${k === 1 ? '' : 's'} could not be graded: ${e}\n`);
    }
  }
}

/** Every submission's score, one line each (from the summaries), for when the files that hold them could not be written. */
function printScores(results: GradeResults, io: Io): void {
  io.stderr.write('The scores (results.json could not be written):\n');
  for (const s of results.submissions) io.stdout.write(`${renderSummaryLine(s)}\n`);
}
