/** `tracegrade check <submission>`: the student's self-check on the visible checks only. */

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Check, Spec } from '../../spec/types.js';
import { onePositional, parseCommand, str } from '../args.js';
import { gradeOne, renderSubmission, stopCommands, terminalWidth, useColor } from '../deps.js';
import { CliError, EXIT } from '../errors.js';
import { cancelOnSignals } from '../signals.js';
import type { Io } from '../io.js';
import { RUN_OPTIONS, runOptions } from '../options.js';
import { ensureSetup } from '../setup.js';
import { loadSpecsOrFail, shown } from './validate.js';

/**
 * The spec as a student may see it: hidden (and not-yet-published) checks removed, and removed
 * from every `requires` so a visible check is not skipped because of a check the student
 * cannot see.
 */
export function visibleSpec(spec: Spec): Spec {
  const isVisible = (c: Check): boolean => c.visibility === 'visible';
  const hidden = new Set(spec.checks.filter((c) => !isVisible(c)).map((c) => c.id));
  return {
    ...spec,
    checks: spec.checks.filter(isVisible).map((c) => ({ ...c, requires: c.requires.filter((r) => !hidden.has(r)) })),
  };
}

/** The nearest `specs/` folder: in the working directory or one of its parents (a student inside their own folder). */
async function nearestSpecsDir(from: string): Promise<string> {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'specs');
    if ((await stat(candidate).catch(() => null))?.isDirectory()) return candidate;
    if (dirname(dir) === dir) return resolve(from, 'specs');
  }
}

/**
 * Which spec a submission is checked against, without --spec: in the nearest specs/ (or in
 * `specsDir`), the one named after the submission's folder or its parent folder (file name or
 * `name:`), else the only one.
 */

export async function findSpec(submission: string, io: Io, specsDir?: string): Promise<string> {
  specsDir ??= await nearestSpecsDir(io.cwd);
  const entries = await readdir(specsDir).catch(() => null);
  const where = shown(io, specsDir) || '.';
  if (entries === null) {
    throw new CliError(
      `no --spec given and there is no specs/ folder in ${io.cwd} or above it`,
      EXIT.usage,
      'Pass the spec your instructor gave you: tracegrade check <submission> --spec path/to/spec.yaml',
    );
  }
  const files = entries.filter((e) => /\.ya?ml$/i.test(e)).sort().map((e) => join(specsDir, e));
  if (files.length === 0) {
    throw new CliError(`${where}/ holds no .yaml spec`, EXIT.usage, 'Pass one: tracegrade check <submission> --spec path/to/spec.yaml');
  }
  const st = await stat(submission).catch(() => null);
  const folder = st?.isDirectory() ? submission : dirname(submission);
  const names = [...new Set([basename(folder), basename(dirname(folder))])];
  for (const name of names) {
    for (const f of files) {
      const stem = basename(f).replace(/\.ya?ml$/i, '');
      if (stem === name) return f;
    }
  }
  for (const name of names) {
    for (const f of files) {
      const text = await readFile(f, 'utf8').catch(() => '');
      const declared = /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
      if (declared === name) return f;
    }
  }
  if (files.length === 1) return files[0]!;
  const list = files.map((f) => basename(f).replace(/\.ya?ml$/i, ''));
  throw new CliError(
    `cannot tell which spec to check ${shown(io, submission)} against: ${where}/ holds ${files.length} specs and none is named ${names.map((n) => `'${n}'`).join(' or ')}`,
    EXIT.usage,
    `Pass one with --spec, e.g. --spec ${where}/${list[0]}.yaml (available: ${list.join(', ')}),\n` +
      'or put the submission in a folder named after its spec (submissions/<spec-name>/<you>/).',
  );
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const p = parseCommand('check', argv, { ...RUN_OPTIONS, spec: { type: 'string', short: 's' } });
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
  const [full] = await loadSpecsOrFail([specFile], io);
  const spec = visibleSpec(full!);
  const hiddenCount = full!.checks.length - spec.checks.length;
  await ensureSetup([spec], opts, io);
  const ext = extname(submission).toLowerCase();
  if (st.isFile() && spec.run.runtime === 'python' && ext !== '.py') {
    io.stderr.write(`warning: ${shown(io, submission)} is not a .py file; running it as Python anyway (give your program's folder or its .py file)\n`);
  } else if (st.isFile() && spec.run.runtime === 'node' && !['.js', '.mjs', '.cjs'].includes(ext)) {
    io.stderr.write(`warning: ${shown(io, submission)} is not a .js file; running it with Node anyway\n`);
  }

  io.stderr.write(`Checking ${shown(io, submission)} against ${shown(io, specFile)}…\n`);
  // Ctrl-C or a cancelled CI job: the run is killed and its temp folder removed, not orphaned.
  const signals = cancelOnSignals();
  const result = await gradeOne(spec, submission, { ...opts, cancel: signals.cancel }).finally(() => signals.dispose());
  const signalled = signals.exitCode();
  if (signalled !== undefined) {
    io.stderr.write('\ninterrupted: the run was stopped\n');
    return signalled;
  }
  if (result.error) {
    // Nothing ran: one line that says why (an empty folder, a missing main.py), not a ✗ per check.
    io.stderr.write(`✗ Could not run your submission: ${result.error}\n`);
    return EXIT.checksFailed;
  }
  const color = useColor(io.env, io.stdout);
  stopCommands(io.stdout, io.env, () => io.stdout.write(renderSubmission(result, { color, showHidden: false, width: terminalWidth(io.stdout) })));

  const total = result.checks.length;
  const passed = result.checks.filter((c) => c.status === 'passed').length;
  const note = hiddenCount ? ` (${hiddenCount} more check${hiddenCount === 1 ? ' is' : 's are'} hidden and only run when graded)` : '';
  if (passed === total) {
    io.stdout.write(`${total ? `All ${total} visible check${total === 1 ? '' : 's'} pass` : 'This spec has no visible checks'}${note}.\n`);
    return EXIT.ok;
  }
  io.stdout.write(`${total - passed} of ${total} visible checks did not pass${note}.\n`);
  return EXIT.checksFailed;
}
