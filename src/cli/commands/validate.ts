/** `tracegrade validate <spec…>`: positioned diagnostics for every spec, nothing run. */

import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { sortDiagnostics } from '../../spec/diagnostic.js';
import type { Spec } from '../../spec/types.js';
import { parseCommand } from '../args.js';
// Straight from spec/, not through ../deps.js: deps loads the runner, batch and reports,
// ~100 ms of a `validate` that needs none of them.
import { formatDiagnostic } from '../../spec/diagnostic.js';
import { validateSpecFiles, type FileDiagnostics } from '../../spec/validate.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';

/** Show a path relative to the working directory when it is inside it (as people typed it). */
export function shown(io: Io, file: string): string {
  const rel = relative(io.cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** More than this many problems in one file are summarised: the first ones are the ones to fix. */
export const MAX_DIAGNOSTICS_PER_FILE = 20;

export interface SpecReport {
  /** Every file named (folders expanded), with its diagnostics and, when valid, its spec. */
  files: FileDiagnostics[];
  errors: number;
  badFiles: number;
}

/**
 * Validate spec paths (files or folders, relative to io.cwd) with the engine's validateSpecFiles
 * and print every diagnostic (errors and warnings) to stderr, positioned, with a caret under
 * the column. The one way every command loads specs.
 */
export async function loadAndReport(paths: string[], io: Io): Promise<SpecReport> {
  const files = await validateSpecFiles(paths.map((p) => resolve(io.cwd, p)));
  let errors = 0;
  let badFiles = 0;
  for (const f of files) {
    const source = await readFile(f.file, 'utf8').catch(() => undefined);
    const ds = sortDiagnostics(f.diagnostics).map((d) => ({
      ...d,
      file: shown(io, d.file || f.file),
      // Other files named in a message read as the user typed them.
      message: d.message.split(resolve(io.cwd) + '/').join(''),
    }));
    for (const d of ds.slice(0, MAX_DIAGNOSTICS_PER_FILE)) io.stderr.write(`${formatDiagnostic(d, source)}\n`);
    if (ds.length > MAX_DIAGNOSTICS_PER_FILE) {
      io.stderr.write(`${shown(io, f.file)}: … and ${ds.length - MAX_DIAGNOSTICS_PER_FILE} more problems in this file (fix the first ones, then validate again)\n`);
    }
    let n = ds.filter((d) => d.severity === 'error').length;
    if (!f.spec && n === 0) {
      // Defensive: no spec must come with a reason.
      io.stderr.write(`${shown(io, f.file)}: error: the spec could not be loaded\n`);
      n = 1;
    }
    if (n > 0) badFiles++;
    errors += n;
  }
  return { files, errors, badFiles };
}

/** Load every spec; any error → its positioned diagnostics and exit 2 before anything runs. */
export async function loadSpecsOrFail(paths: string[], io: Io): Promise<Spec[]> {
  const { files, errors, badFiles } = await loadAndReport(paths, io);
  if (badFiles > 0) {
    throw new CliError(
      `${errors} error${errors === 1 ? '' : 's'} in ${badFiles} of ${files.length} spec${files.length === 1 ? '' : 's'}; nothing was run`,
      EXIT.usage,
      'Fix the spec (tracegrade validate shows the same messages), then try again.',
    );
  }
  return files.map((f) => f.spec!);
}

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const p = parseCommand('validate', argv, {});
  if (p.positionals.length === 0) {
    throw new CliError('give at least one spec file or folder', EXIT.usage, 'Example: tracegrade validate specs/*.yaml');
  }
  const { files, errors, badFiles } = await loadAndReport(p.positionals, io);
  for (const f of files) {
    const hasError = f.diagnostics.some((d) => d.severity === 'error');
    if (f.spec && !hasError) {
      const warnings = f.diagnostics.filter((d) => d.severity === 'warning').length;
      const n = f.spec.checks.length;
      io.stdout.write(`✓ ${shown(io, f.file)} — ${n} check${n === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
    }
  }
  if (badFiles > 0) {
    io.stderr.write(`${errors} error${errors === 1 ? '' : 's'} in ${badFiles} of ${files.length} spec${files.length === 1 ? '' : 's'}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}
