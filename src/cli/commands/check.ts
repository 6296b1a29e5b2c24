/** `tracegrade check <submission>`: the student's self-check on the visible checks only. */

import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { SubmissionResult } from '../../score/types.js';
import type { Spec } from '../../spec/types.js';
import type { GradeOptions } from '../../batch/types.js';
import { bool, onePositional, str } from '../args.js';
import { checkMatcher, describeFilter, filterChecks } from '../check-filter.js';
import { parseWithConfig } from '../config.js';
import { gradeOne, renderSubmission, stopCommands, terminalWidth, useColor } from '../deps.js';
import { CliError, EXIT } from '../errors.js';
import { cancelOnSignals } from '../signals.js';
import type { Io } from '../io.js';
import { interpreterOrigin, RUN_OPTIONS, runOptions } from '../options.js';
import { ensureSetup } from '../setup.js';
import { findSpec, visibleSpec } from './check-spec.js';
import { loadSpecsOrFail, shown } from './validate.js';

export { findSpec, visibleSpec } from './check-spec.js';

/** Everything one check run needs; `load` re-reads the spec (watch mode reloads it on change). */
export interface CheckTarget {
  submission: string;
  specFile: string;
  opts: GradeOptions;
  pattern?: string;
  load(): Promise<LoadedSpec>;
}

/** The visible (and -t selected) checks; `selection`: the -t line to print when they are run. */
export interface LoadedSpec {
  spec: Spec;
  hiddenCount: number;
  selection?: string;
}

export interface CheckRun {
  code: number;
  result?: SubmissionResult;
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const p = await parseWithConfig('check', argv, {
    ...RUN_OPTIONS,
    spec: { type: 'string', short: 's' },
    check: { type: 'string', short: 't' },
    watch: { type: 'boolean', short: 'w' },
  }, io);
  const given = onePositional(p, {
    missing: 'give the submission to check (a folder or a file)',
    many: 'give one submission at a time',
    example: 'tracegrade check my-solution/ --spec specs/fetch-and-count.yaml',
  });
  const submission = resolve(io.cwd, given);
  const st = await stat(submission).catch(() => null);
  if (!st) {
    throw new CliError(`submission not found: ${given}`, EXIT.usage, 'Give the folder holding your program (or the program file).');
  }
  const opts = runOptions(p);
  const specArg = str(p, 'spec');
  let specFile = specArg !== undefined ? resolve(io.cwd, specArg) : await findSpec(submission, io);
  // `--spec specs/`: pick from that folder as without --spec (check grades against one spec).
  if (specArg !== undefined && (await stat(specFile).catch(() => null))?.isDirectory()) specFile = await findSpec(submission, io, specFile);
  const pattern = str(p, 'check');
  const match = pattern !== undefined ? await checkMatcher(pattern) : undefined;
  const target: CheckTarget = {
    submission,
    specFile,
    opts,
    ...(pattern !== undefined ? { pattern } : {}),
    async load() {
      const [full] = await loadSpecsOrFail([specFile], io);
      const spec = visibleSpec(full!);
      const hiddenCount = full!.checks.length - spec.checks.length;
      if (!match) return { spec, hiddenCount };
      const f = filterChecks(spec, match);
      if (f.selected.length === 0) {
        throw new CliError(`no visible check's id or title matches '${pattern}'`, EXIT.usage, `The visible checks are ${spec.checks.map((c) => c.id).join(', ')}.`);
      }
      return { spec: f.spec, hiddenCount, selection: describeFilter(pattern!, f) };
    },
  };
  const loaded = await target.load();
  const { spec } = loaded;
  await ensureSetup([spec], opts, io, { interpreterOrigin: interpreterOrigin(p) });
  const ext = extname(submission).toLowerCase();
  if (st.isFile() && spec.run.runtime === 'python' && ext !== '.py') {
    io.stderr.write(`warning: ${shown(io, submission)} is not a .py file; running it as Python anyway (give your program's folder or its .py file)\n`);
  } else if (st.isFile() && spec.run.runtime === 'node' && !['.js', '.mjs', '.cjs'].includes(ext)) {
    io.stderr.write(`warning: ${shown(io, submission)} is not a .js file; running it with Node anyway\n`);
  }
  if (bool(p, 'watch')) return (await import('./check-watch.js')).watchCheck(target, io);
  // One check: the spec just loaded serves the run (parsing it again cost ~25 ms of every start).
  return (await checkOnce(target, io, loaded)).code;
}

/** One check of the submission: the report on stdout, exit 0 (all visible pass) or 1. `loaded`: the spec as just loaded, else it is loaded now. */
export async function checkOnce(target: CheckTarget, io: Io, loaded?: LoadedSpec): Promise<CheckRun> {
  const { spec, hiddenCount, selection } = loaded ?? (await target.load());
  if (selection !== undefined) io.stderr.write(`${selection}\n`);
  io.stderr.write(`Checking ${shown(io, target.submission)} against ${shown(io, target.specFile)}…\n`);
  // Ctrl-C or a cancelled CI job: the run is killed and its temp folder removed, not orphaned.
  const signals = cancelOnSignals();
  const result = await gradeOne(spec, target.submission, { ...target.opts, cancel: signals.cancel }).finally(() => signals.dispose());
  const signalled = signals.exitCode();
  if (signalled !== undefined) {
    io.stderr.write('\ninterrupted: the run was stopped\n');
    return { code: signalled };
  }
  if (result.error) {
    // Nothing ran: one line that says why (an empty folder, a missing main.py), not a ✗ per check.
    io.stderr.write(`✗ Could not run your submission: ${result.error}\n`);
    return { code: EXIT.checksFailed, result };
  }
  const color = useColor(io.env, io.stdout);
  stopCommands(io.stdout, io.env, () => io.stdout.write(renderSubmission(result, { color, showHidden: false, width: terminalWidth(io.stdout) })));

  const total = result.checks.length;
  const passed = result.checks.filter((c) => c.status === 'passed').length;
  const note = hiddenCount ? ` (${hiddenCount} more check${hiddenCount === 1 ? ' is' : 's are'} hidden and only run when graded)` : '';
  const which = target.pattern !== undefined ? 'selected' : 'visible';
  if (passed === total) {
    io.stdout.write(`${total ? `All ${total} ${which} check${total === 1 ? '' : 's'} pass` : 'This spec has no visible checks'}${note}.\n`);
    return { code: EXIT.ok, result };
  }
  io.stdout.write(`${total - passed} of ${total} ${which} checks did not pass${note}.\n`);
  return { code: EXIT.checksFailed, result };
}
