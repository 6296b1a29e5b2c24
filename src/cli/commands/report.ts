/** `tracegrade report` (re-render saved results) and `tracegrade merge` (combine shards). */

import { parseWithConfig } from '../config.js';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { mergeSources, MergeError } from '../../batch/merge.js';
import { didYouMean } from '../../spec/suggest.js';
import type { GradeResults } from '../../score/types.js';
import type { ReportContext } from '../../report/types.js';
import { bool, onePositional, str } from '../args.js';
import { DEFAULT_REPORTERS, openResultsFile, reporters, ResultsFileError, ReportWriteError, writeReports, type ResultSource } from '../deps-batch.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { shown } from './validate.js';
import { withOutLock } from '../out-lock.js';

/** `--reporter json,html` → ['json', 'html']; absent → every file format plus the terminal. */
export function reporterNames(list: string | undefined): string[] {
  if (list === undefined) return [...DEFAULT_REPORTERS, 'terminal'];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new CliError('--reporter needs at least one name, e.g. --reporter json,html', EXIT.usage);
  const known = Object.keys(reporters);
  for (const n of names) {
    if (!known.includes(n)) {
      const guess = didYouMean(n, known);
      throw new CliError(`unknown reporter '${n}'${guess ? ` — did you mean '${guess}'?` : ''}`, EXIT.usage, `The reporters are ${known.join(', ')}.`);
    }
  }
  return names;
}

export interface EmitOptions {
  /** Where Gradescope's results.json goes (the autograder reads /autograder/results/results.json); needs exactly one submission. */
  gradescopePath?: string;
  /** Terminal/GitHub reports include non-visible checks (default true). */
  showHidden?: boolean;
  /** `--reveal-hidden`: the per-submission HTML pages also show after_due_date/after_published checks. */
  revealAfterDue?: boolean;
}

/** Write every report to outDir. */
export async function emitReports(
  source: ResultSource,
  io: Io,
  outDir: string,
  names: string[],
  { gradescopePath, showHidden = true, revealAfterDue = false }: EmitOptions = {},
): Promise<string[]> {
  const results = source.results;
  // One student, possibly graded against several specs (the writer merges those into one document).
  const students = new Set(results.submissions.map((s) => `${s.id}\u0000${s.path}`)).size;
  if (gradescopePath && students !== 1) {
    throw new CliError(
      `--gradescope writes one submission's results (Gradescope grades one at a time), but there are ${students}`,
      EXIT.usage,
      `Grade the single submission (e.g. /autograder/submission), or drop --gradescope: ${join('<out>', 'gradescope', '<id>.json')} holds one file per submission.`,
    );
  }
  const ctx: ReportContext = {
    outDir,
    env: io.env,
    stdout: io.stdout,
    cwd: io.cwd,
    showHidden,
    revealAfterDue,
    ...(gradescopePath ? { gradescopePath } : {}),
  };
  try {
    await mkdir(outDir, { recursive: true, mode: 0o700 }); // as grade's --out: out of a run's uid's reach
  } catch (err) {
    throw new CliError(`cannot write reports to ${shown(io, outDir)}: ${(err as Error).message}`, EXIT.usage, 'Choose another folder with --out.');
  }
  let wanted = names;
  if (gradescopePath && !wanted.includes('gradescope')) wanted = [...wanted, 'gradescope'];
  try {
    return await writeReports(source, ctx, wanted);
  } catch (err) {
    // A path we cannot write is the user's to fix, not a bug; what was written stays written.
    if (err instanceof ReportWriteError) {
      // `written` lets grade tell whether the scores reached results.json.
      throw Object.assign(new CliError(
        `could not write ${err.failures.join('; ')}`,
        EXIT.writeFailed,
        err.written.includes(join(outDir, 'results.json'))
          ? `Written: ${describeFiles(io, outDir, err.written)}. ${/ENOSPC|EDQUOT/.test(err.failures.join(' ')) ? 'Free some space' : 'Fix the path'}, then re-render them all with: tracegrade report ${shown(io, join(outDir, 'results.json'))}`
          : `Written: ${err.written.length ? describeFiles(io, outDir, err.written) : 'no report file'}. ${/ENOSPC|EDQUOT/.test(err.failures.join(' ')) ? 'Free some space' : 'Fix the path (--out, --gradescope)'}, then try again.`,
      ), { written: err.written });
    }
    throw err;
  }
}

/** The files written, for a one-line message: folders of many files are counted, not listed. */
export function describeFiles(io: Io, outDir: string, files: string[]): string {
  const direct: string[] = [];
  const folders = new Map<string, number>();
  for (const f of files) {
    const rel = relative(outDir, f);
    const top = rel.split(sep)[0]!;
    if (rel.startsWith('..') || top === rel) direct.push(shown(io, f));
    else folders.set(top, (folders.get(top) ?? 0) + 1);
  }
  for (const [folder, n] of folders) {
    const path = shown(io, join(outDir, folder));
    direct.push(n === 1 ? shown(io, files.find((f) => relative(outDir, f).startsWith(folder + sep))!) : `${path}/ (${n} files)`);
  }
  return direct.join(', ') || 'no files';
}

export async function reportCommand(argv: string[], io: Io): Promise<number> {
  const p = await parseWithConfig('report', argv, { out: { type: 'string', short: 'o' }, reporter: { type: 'string' }, 'reveal-hidden': { type: 'boolean' } }, io);
  const given = onePositional(p, {
    missing: 'give the results.json to re-render',
    many: 'give exactly one results.json (to combine several, use tracegrade merge)',
    example: 'tracegrade report reports/results.json --out site/',
  });
  const file = resolve(io.cwd, given);
  const names = reporterNames(str(p, 'reporter'));
  // Streamed: a summary per submission in memory, each full result read again as its pages are written.
  let source: ResultSource;
  try {
    source = await openResultsFile(file);
  } catch (err) {
    if (err instanceof ResultsFileError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  try {
    const n = source.results.submissions.length;
    checkShape(source.results, given);
    const outDir = resolve(io.cwd, str(p, 'out') ?? dirname(file));
    const files = await withOutLock(outDir, io, () => emitReports(source, io, outDir, names, { revealAfterDue: bool(p, 'reveal-hidden') }));
    io.stderr.write(`Re-rendered ${n} submission${n === 1 ? '' : 's'}: ${describeFiles(io, outDir, files)}\n`);
    return EXIT.ok;
  } finally {
    await source.close?.();
  }
}

/** Beyond the header readResultsFile checks: each submission has what every reporter reads. */
function checkShape(results: GradeResults, file: string): void {
  results.submissions.forEach((s, i) => {
    const missing = [
      typeof s?.id !== 'string' ? 'id' : '',
      typeof s?.spec !== 'string' ? 'spec' : '',
      !Array.isArray(s?.checks) ? 'checks[]' : '',
      !Array.isArray(s?.runs) ? 'runs[]' : '',
      typeof s?.score !== 'number' ? 'score' : '',
    ].filter(Boolean);
    if (missing.length) {
      throw new CliError(
        `${file}: submissions[${i}] is incomplete (no ${missing.join(', ')}); was the file edited by hand?`,
        EXIT.usage,
        'Re-grade to get a complete results.json.',
      );
    }
  });
}

export async function mergeCommand(argv: string[], io: Io): Promise<number> {
  const p = await parseWithConfig('merge', argv, {
    out: { type: 'string', short: 'o' },
    reporter: { type: 'string' },
    'allow-incomplete': { type: 'boolean' },
  }, io);
  if (p.positionals.length === 0) {
    throw new CliError('give the results.json of every shard', EXIT.usage, 'Example: tracegrade merge shard-*/results.json --out reports/');
  }
  let source: ResultSource;
  try {
    source = await mergeSources(p.positionals.map((f) => resolve(io.cwd, f)), { allowIncomplete: bool(p, 'allow-incomplete') });
  } catch (err) {
    if (err instanceof MergeError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  try {
    const n = source.results.submissions.length;
    checkShape(source.results, 'merged results');
    const outDir = resolve(io.cwd, str(p, 'out') ?? 'reports');
    const files = await withOutLock(outDir, io, () => emitReports(source, io, outDir, reporterNames(str(p, 'reporter'))));
    io.stderr.write(`Merged ${p.positionals.length} file${p.positionals.length === 1 ? '' : 's'} (${n} submissions): ${describeFiles(io, outDir, files)}\n`);
  } finally {
    await source.close?.();
  }
  return EXIT.ok;
}
