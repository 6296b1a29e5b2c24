/** `tracegrade grade`: specs × submissions → batch grading → every report. */

import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { planJobs, PlanError } from '../../batch/plan.js';
import type { BatchOptions } from '../../batch/types.js';
import { bool, positiveInt, shard, str } from '../args.js';
import { parseWithConfig } from '../config.js';
import { createProgress, gradeBatch, type ResultSource } from '../deps-batch.js';
import { useColor } from '../deps.js';
import { withOutLock } from '../out-lock.js';
import { gateFailures, thresholdOption as threshold, unreachable } from '../fail-under.js';
import { maxScore } from '../../score/score.js';
import { mergeResults, onlyFailed, previousResults, refuseFailedWithSelection, selectChecks } from './grade-select.js';
import { CliError, EXIT } from '../errors.js';
import { EXIT_SIGTERM, watchInterrupts } from '../signals.js';
import type { Io } from '../io.js';
import { interpreterOrigin, RUN_OPTIONS, runOptions } from '../options.js';
import { ensureSetup } from '../setup.js';
import { reportAll, surfaceSetupErrors } from './grade-output.js';
import { describeFiles, reporterNames } from './report.js';
import { loadSpecsOrFail, shown } from './validate.js';

export async function gradeCommand(argv: string[], io: Io): Promise<number> {
  const p = await parseWithConfig('grade', argv, {
    ...RUN_OPTIONS,
    out: { type: 'string', short: 'o' },
    jobs: { type: 'string', short: 'j' },
    resume: { type: 'boolean' },
    shard: { type: 'string' },
    reporter: { type: 'string' },
    gradescope: { type: 'string' },
    'reveal-hidden': { type: 'boolean' },
    check: { type: 'string', short: 't' },
    failed: { type: 'boolean' },
    'fail-under': { type: 'string' },
    'fail-under-mean': { type: 'string' },
  }, io);
  if (p.positionals.length < 2) {
    throw new CliError(
      p.positionals.length === 0 ? 'give a spec (or a folder of specs) and at least one submission' : 'give at least one submission after the spec',
      EXIT.usage,
      'Example: tracegrade grade specs/ submissions/ --out reports/',
    );
  }
  const [specArg, ...subArgs] = p.positionals as [string, ...string[]];
  const straySpec = subArgs.find((a) => /\.ya?ml$/i.test(a));
  if (straySpec) {
    throw new CliError(
      `${straySpec} looks like a spec, but grade takes one spec (a file or a folder of specs) followed by submissions`,
      EXIT.usage,
      'To grade against several specs, put them in one folder: tracegrade grade specs/ submissions/',
    );
  }
  const outDir = resolve(io.cwd, str(p, 'out') ?? 'reports');
  const names = reporterNames(str(p, 'reporter'));
  const opts: BatchOptions = { ...runOptions(p), outDir };
  const jobsN = positiveInt(str(p, 'jobs'), 'jobs');
  if (jobsN !== undefined) opts.jobs = jobsN;
  if (bool(p, 'resume')) opts.resume = true;
  const sh = shard(str(p, 'shard'));
  if (sh) opts.shard = sh;
  const gradescope = str(p, 'gradescope');
  const gate = { per: threshold(str(p, 'fail-under'), 'fail-under'), mean: threshold(str(p, 'fail-under-mean'), 'fail-under-mean') };
  // A shared sealing secret for the shards of a matrix; never left where a submission's env could inherit it.
  const sealKey = io.env.TRACEGRADE_STORE_KEY;
  if (sealKey) {
    opts.sealKey = sealKey;
    delete io.env.TRACEGRADE_STORE_KEY;
  }

  const pattern = str(p, 'check');
  refuseFailedWithSelection(bool(p, 'failed'), pattern);
  if (pattern !== undefined) opts.checkSelection = pattern;
  const loaded = await loadSpecsOrFail([resolve(io.cwd, specArg)], io);
  const specs = pattern !== undefined ? await selectChecks(loaded, pattern, io) : loaded;
  for (const w of unreachable(specs.map((s) => ({ name: s.name, max: maxScore(s) })), gate.per, gate.mean)) io.stderr.write(`warning: ${w}\n`);
  const previous = bool(p, 'failed') ? await previousResults(outDir, io) : undefined;
  let plan;
  try {
    plan = await planJobs(specs, subArgs.map((s) => resolve(io.cwd, s)));
  } catch (err) {
    if (err instanceof PlanError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
  if (previous) {
    const all = plan.jobs.length;
    plan = { ...plan, jobs: onlyFailed(plan.jobs, previous) };
    io.stderr.write(`--failed: re-grading ${plan.jobs.length} of ${all} submissions (the rest got full marks last time)\n`);
    if (plan.jobs.length === 0) {
      await previous.source.close?.();
      return EXIT.ok;
    }
  }
  if (plan.jobs.length === 0) {
    throw new CliError(
      `no submissions found in ${subArgs.join(', ')}`,
      EXIT.usage,
      specs.length > 1
        ? `With a folder of specs, spec X grades the sub-folders of <submissions>/X/ (e.g. submissions/${specs[0]!.name}/alice/main.py).`
        : 'Give submission folders, single files, or a folder whose sub-folders are submissions.',
    );
  }

  // Gradescope grades one student at a time; that student may be graded against several specs
  // (one document, tests prefixed by spec), so count distinct submissions, not jobs.
  const students = new Set(plan.jobs.map((j) => j.submission));
  if (gradescope && students.size !== 1) {
    throw new CliError(
      `--gradescope writes one submission's results (Gradescope grades one at a time), but ${students.size} submissions were found`,
      EXIT.usage,
      'Grade the single submission (e.g. /autograder/submission), or drop --gradescope: <out>/gradescope/ holds one file per submission.',
    );
  }
  await ensureSetup([...new Set(plan.jobs.map((j) => j.spec))], opts, io, { interpreterOrigin: interpreterOrigin(p), submissions: plan.jobs.map((j) => j.submission), outDir });
  // Where the reports go must be writable before anything is graded: finding out afterwards
  // would throw the whole class's grading away. One grader per output folder: another one
  // would overwrite these results and reports.
  return withOutLock(outDir, io, async () => {
    let gradescopePath = gradescope !== undefined ? resolve(io.cwd, gradescope) : undefined;
    // `--gradescope /autograder/results/` (a folder): the file Gradescope reads in it.
    if (gradescopePath && (/[\\/]$/.test(gradescope!) || (await stat(gradescopePath).catch(() => null))?.isDirectory())) {
      gradescopePath = join(gradescopePath, 'results.json');
    }

    // Ctrl-C finishes the runs in flight, SIGTERM kills them; what finished is stored for --resume.
    const interrupts = watchInterrupts(io);
    opts.signal = interrupts.stop;
    opts.cancel = interrupts.cancel;
    let source: ResultSource;
    const started = Date.now();
    // Progress on stderr (a bar on a TTY, a line every few seconds in CI); the per-submission
    // lines come from the terminal reporter at the end, on stdout.
    // A pseudo-terminal may report 0 columns (script, some CI shells): fall back to 80.
    const columns = (io.stderr as { columns?: number }).columns || 80;
    const progress = createProgress({ write: (s: string) => io.stderr.write(s), isTTY: io.stderr.isTTY === true, columns }, { color: useColor(io.env, io.stderr) });
    let planned = 0;
    const unstored: string[] = [];
    try {
      // Per submission a summary in memory; the reports read each full result from the store.
      source = await gradeBatch(plan.jobs, opts, {
        ...progress,
        onWarning: (m) => io.stderr.write(`\nwarning: ${m}\n`),
        onStoreFailure(job, file, reason) {
          unstored.push(file);
          io.stderr.write(`\nerror: could not store the result of ${job.spec.name}/${job.id} in ${shown(io, file)}: ${reason} (it is in this run's reports; --resume will grade it again)\n`);
        },
        onPlan(info) {
          planned = info.total;
          progress.onPlan?.(info);
        },
      });
    } finally {
      progress.stop();
      interrupts.dispose();
    }

    if (previous) source = mergeResults(previous.source, source);
    const results = source.results;
    const reported = await reportAll(source, io, outDir, names, { ...(gradescopePath ? { gradescopePath } : {}), revealAfterDue: bool(p, 'reveal-hidden') }).finally(() => previous?.source.close?.());
    const files = reported.files;
    const writeFailed = unstored.length > 0 || reported.failed;
    surfaceSetupErrors(results, io);
    const n = results.submissions.length;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(
      `Graded ${n} submission${n === 1 ? '' : 's'} against ${specs.length} spec${specs.length === 1 ? '' : 's'} in ${secs} s` +
        `${files.length ? `; wrote ${describeFiles(io, outDir, files)}` : ''}\n`,
    );
    if (writeFailed && interrupts.exitCode() === undefined) {
      io.stderr.write(`Some results or reports could not be written (see the errors above): exit ${EXIT.writeFailed}.\n`);
      return EXIT.writeFailed;
    }
    const signalled = interrupts.exitCode();
    if (signalled === EXIT_SIGTERM) return EXIT_SIGTERM; // a cancelled job: never "success", even if all finished
    if (signalled !== undefined && results.submissions.length < planned) {
      io.stderr.write(`Interrupted before every submission was graded: run the same command with --resume to grade the rest.\n`);
      return signalled;
    }
    const unmet = gateFailures(results, gate.per, gate.mean);
    for (const line of unmet) io.stderr.write(`✗ ${line}\n`);
    return unmet.length > 0 ? EXIT.belowThreshold : EXIT.ok;

  });
}
