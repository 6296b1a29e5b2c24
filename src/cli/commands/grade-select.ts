/**
 * What `grade` grades when told to grade less: `-t/--check` keeps the matching checks (and what
 * they require) of every spec; `--failed` keeps the submissions that did not get full marks in
 * the results.json of the last run in --out, whose other results are carried over unchanged so
 * the reports still cover the whole class. "Full marks" is the credit model's (score/credit.ts):
 * a result graded on a `-t` selection is never one, so `--failed` grades it again in full.
 * `--failed` with `-t` is refused: its results would be a selection's, merged into full ones.
 */

import { join } from 'node:path';
import type { Job } from '../../batch/types.js';
import { submissionCredit } from '../../score/credit.js';
import { pickedSource, type Pick, type ResultSource } from '../../report/source.js';
import type { Spec } from '../../spec/types.js';
import { checkMatcher, describeFilter, filterChecks } from '../check-filter.js';
import { openResultsFile } from '../deps-batch.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { shown } from './validate.js';

/** Every spec with only the checks matching `pattern`; specs where none match are left out. */
export async function selectChecks(specs: Spec[], pattern: string, io: Io): Promise<Spec[]> {
  const match = await checkMatcher(pattern);
  const kept: Spec[] = [];
  for (const spec of specs) {
    const f = filterChecks(spec, match);
    if (f.selected.length === 0) continue;
    io.stderr.write(`${spec.name}: ${describeFilter(pattern, f)}\n`);
    kept.push(f.spec);
  }
  if (kept.length === 0) {
    const ids = specs.flatMap((s) => s.checks.map((c) => c.id));
    throw new CliError(`no check's id or title matches '${pattern}'`, EXIT.usage, `The checks are ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}.`);
  }
  return kept;
}

const keyOf = (spec: string, id: string): string => `${spec}\0${id}`;

export interface Previous {
  /** The last run's results.json, streamed (close it when the reports are written). */
  source: ResultSource;
  /** (spec, id) keys of the submissions below full marks or not graded. */
  failed: Set<string>;
}

/** The last run's results in `outDir`, for --failed; a usage error when there are none. */
export async function previousResults(outDir: string, io: Io): Promise<Previous> {
  const file = join(outDir, 'results.json');
  let source: ResultSource;
  try {
    source = await openResultsFile(file);
  } catch (err) {
    throw new CliError(
      `--failed re-grades what did not get full marks last time, but ${shown(io, file)} cannot be read: ${(err as Error).message.split(': ').slice(1).join(': ') || 'missing'}`,
      EXIT.usage,
      'Run the same grade command without --failed first (or point --out at the earlier run).',
    );
  }
  const failed = new Set(source.results.submissions.filter((s) => !submissionCredit(s).fullCredit).map((s) => keyOf(s.spec, s.id)));
  return { source, failed };
}

/**
 * `--failed` with `-t` is refused (exit 2): the re-graded results would hold only the selected
 * checks, and carried over beside full results they would read as full marks (1/1) to the
 * reports and to --fail-under. Jest's `--onlyFailures -t` keeps per-test results; a score is
 * per submission, so the two are run one after the other instead.
 */
export function refuseFailedWithSelection(failed: boolean, pattern: string | undefined): void {
  if (!failed || pattern === undefined) return;
  throw new CliError(
    `--failed cannot be combined with -t/--check '${pattern}': the re-graded submissions would get only the selected checks' points, mixed into the full results of the others`,
    EXIT.usage,
    `To look at those checks, grade into another folder: -t '${pattern}' --out <other>; --failed alone re-grades every check of the submissions below full marks.`,
  );
}

export function onlyFailed(jobs: Job[], prev: Previous): Job[] {
  return jobs.filter((j) => prev.failed.has(keyOf(j.spec.name, j.id)));
}

/** The previous results with every re-graded submission replaced, in the previous order; fresh's header. */
export function mergeResults(prev: ResultSource, fresh: ResultSource): ResultSource {
  const byKey = new Map<string, number>(fresh.results.submissions.map((s, i) => [keyOf(s.spec, s.id), i]));
  const picks = prev.results.submissions.map((s, index): Pick => {
    const i = byKey.get(keyOf(s.spec, s.id));
    return i !== undefined ? { from: fresh, index: i } : { from: prev, index };
  });
  const { submissions: _s, ...header } = fresh.results;
  return pickedSource(header, picks);
}
