/** `writeReports` for library users: the CLI's reporters (json, junit, html, gradescope…) on results made with `grade`. */

import { mkdir } from 'node:fs/promises';
import { assembleResults } from '../batch/results.js';
import { DEFAULT_REPORTERS, writeReports as writeAll, type ReportContext } from '../report/index.js';
import type { GradeResults, SubmissionResult } from '../score/index.js';

/** Where and which reports to write. */
export interface WriteReportsOptions {
  /** Output folder (made, 0700, when missing), as `tracegrade grade --out`. */
  out: string;
  /**
   * Reporter names: `json`, `junit`, `html`, `gradescope`, `github`, `terminal`. Default: the
   * CLI's file reports (json, junit, html, gradescope, github).
   */
  reporters?: string[];
  /** Terminal and GitHub reports include non-visible checks (default true: an instructor's view). */
  showHidden?: boolean;
  /** The per-submission HTML pages also show after_due_date/after_published checks (default false). */
  revealAfterDue?: boolean;
  /** Where the Gradescope writer puts its file (default `<out>/gradescope/…`). */
  gradescopePath?: string;
  /** Where the terminal reporter writes (default process.stdout). */
  stdout?: ReportContext['stdout'];
  /** Environment seen by the reporters (GITHUB_ACTIONS, NO_COLOR…; default process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Write reports of graded submissions with the same writers as `tracegrade grade` and
 * `tracegrade report`: results.json, JUnit XML, the HTML pages, Gradescope's file.
 *
 * @param results - Results from {@link grade} (one or many), or a whole results.json document.
 * @returns The files written.
 * @throws for an unknown reporter name (before anything is written), or when some reports
 *   could not be written (a `ReportWriteError` naming which; the others are written).
 *
 * @example
 * ```js
 * const results = [await grade(spec, 'submissions/a'), await grade(spec, 'submissions/b')];
 * const files = await writeReports(results, { out: 'reports', reporters: ['json', 'junit'] });
 * ```
 */
export async function writeReports(results: SubmissionResult | SubmissionResult[] | GradeResults, options: WriteReportsOptions): Promise<string[]> {
  const doc = 'submissions' in results ? results : assembleResults(Array.isArray(results) ? results : [results]);
  await mkdir(options.out, { recursive: true, mode: 0o700 });
  const ctx: ReportContext = {
    outDir: options.out,
    env: options.env ?? process.env,
    stdout: options.stdout ?? process.stdout,
    cwd: process.cwd(),
    showHidden: options.showHidden ?? true,
    revealAfterDue: options.revealAfterDue ?? false,
    ...(options.gradescopePath ? { gradescopePath: options.gradescopePath } : {}),
  };
  return writeAll(doc, ctx, options.reporters ?? DEFAULT_REPORTERS);
}
