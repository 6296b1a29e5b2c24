/** The reporter registry and `writeReports`, the one entry point the CLI calls. */

import { mkdir } from 'node:fs/promises';
import type { GradeResults } from '../score/types.js';
import { githubReporter } from './github.js';
import { gradescopeReporter } from './gradescope.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { terminalReporter } from './terminal.js';
import { PartialWriteError } from './atomic.js';
import { asSource, type ResultSource } from './source.js';
import type { ReportContext, Reporter } from './types.js';

export type { ReportContext, Reporter } from './types.js';
export { writeFileAtomic, writeReason, PartialWriteError, type WriteFailure } from './atomic.js';
export { openResultsFile, readResultsFile, ResultsFileError, stringifyResults } from './json.js';
export { asSource, memorySource, pickedSource, summarizer, wholeResults, type ResultSource } from './source.js';
export { defuseLine, stopCommands } from './ci-log.js';
export { renderSubmission, renderSummaryLine, terminalWidth, useColor } from './terminal.js';

/** Every reporter by name. json comes first so the complete record is saved before anything else can fail. */
export const reporters: Record<string, Reporter> = {
  json: jsonReporter,
  junit: junitReporter,
  html: htmlReporter,
  gradescope: gradescopeReporter,
  github: githubReporter,
  terminal: terminalReporter,
};

/** What `grade` and `report` write when no list is given: every file format, plus GitHub (a no-op outside Actions). */
export const DEFAULT_REPORTERS = ['json', 'junit', 'html', 'gradescope', 'github'];

/** Some reporters could not write (a full disk, a path that is a folder): the others did. */
export class ReportWriteError extends Error {
  override name = 'ReportWriteError';
  constructor(
    message: string,
    /** Files that were written. */
    readonly written: string[],
    /** `name: reason` per reporter that failed. */
    readonly failures: string[],
  ) {
    super(message);
  }
}

/**
 * Run the named reporters (default: DEFAULT_REPORTERS) and return the files written. An
 * unknown name is an error before anything is written; a failing reporter does not stop the
 * others, and the failures are reported together at the end.
 */
export async function writeReports(results: GradeResults | ResultSource, ctx: ReportContext, names?: string[]): Promise<string[]> {
  // Results in memory are their own summaries; a streamed source reads each full result again.
  const source = asSource(results);
  const list = names ?? DEFAULT_REPORTERS;
  const unknown = list.filter((n) => !Object.hasOwn(reporters, n));
  if (unknown.length) {
    throw new Error(`unknown reporter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.keys(reporters).join(', ')}`);
  }
  await mkdir(ctx.outDir, { recursive: true });
  const files: string[] = [];
  const failures: string[] = [];
  for (const name of [...new Set(list)]) {
    try {
      files.push(...(await reporters[name]!.write(source, ctx)));
    } catch (err) {
      // Say which files, and count the ones a writer did write before it failed.
      if (err instanceof PartialWriteError) files.push(...err.written);
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (failures.length) {
    throw new ReportWriteError(
      `could not write ${failures.length === 1 ? 'a report' : 'some reports'} (${failures.join('; ')}); the others were written: ${files.join(', ') || 'none'}`,
      files,
      failures,
    );
  }
  return files;
}
