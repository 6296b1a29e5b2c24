/** One interface, many small writers (as Vitest and Playwright structure reporters). */

import type { GradeResults } from '../score/types.js';
import type { ResultSource } from './source.js';

export interface ReportContext {
  /** Output directory for file reports. */
  outDir: string;
  /** Environment (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, NO_COLOR…), injectable for tests. */
  env: Record<string, string | undefined>;
  /** Where terminal output goes. */
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number; command?(line: string): void };
  /**
   * Include checks whose visibility is not 'visible' (hidden, after_due_date, after_published)
   * in the terminal and GitHub reports. Default true (instructor runs); the student `check`
   * command sets false. File reports (json, junit, the class index.html, gradescope) always
   * include them; the per-submission HTML pages never show `hidden` ones (see revealAfterDue).
   */
  showHidden?: boolean;
  /**
   * The due date has passed (grades are published): the per-submission HTML pages, handed to
   * students, also show `after_due_date` and `after_published` checks. Default false. `hidden`
   * checks are never on those pages (Gradescope's rule); the class page always shows everything.
   */
  revealAfterDue?: boolean;
  /** Where the Gradescope writer puts its file (default `<outDir>/gradescope/results.json`). */
  gradescopePath?: string;
  /** Current directory for repo-relative paths in annotations (default process.cwd()). */
  cwd?: string;
}

export interface Reporter {
  /** Name used in --reporter lists and messages: "json", "junit", "html"… */
  name: string;
  /**
   * Write the report for a finished set of results: in memory, or a source whose class-level
   * parts read `results` (summaries) while each submission's own part loads its full result,
   * one at a time (source.ts). Returns the files written (may be empty).
   */
  write(results: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]>;
}
