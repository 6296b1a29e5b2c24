/**
 * Specs for library users: `loadSpec` (a file, with the CLI's positioned diagnostics on error)
 * and `specFromObject` (a spec built in memory, as the quick Jest matchers do), both through
 * the one loader and its validation.
 */

import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { formatDiagnostic, loadSpecFile, parseSpec } from '../spec/load.js';
import type { Diagnostic, Spec } from '../spec/types.js';

/**
 * A spec that could not be loaded. `message` holds every error and warning, positioned and
 * with a caret under the column, exactly as `tracegrade validate` prints them.
 */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    message: string,
    /** The loader's diagnostics (errors and warnings), sorted by position. */
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
  }
}

/** The diagnostics as the CLI prints them, with the source line and a caret when `source` is given. */
function describe(file: string, diagnostics: Diagnostic[], source?: string): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const name = file || '(spec in memory)';
  const head = `${errors || 'an'} error${errors === 1 || !errors ? '' : 's'} in ${name}`;
  return [head, ...diagnostics.map((d) => formatDiagnostic({ ...d, file: d.file || name }, source))].join('\n');
}

/**
 * Load and validate a spec file (YAML, see docs/spec-language.md).
 *
 * @param path - The spec file, absolute or relative to the working directory.
 * @returns The normalized spec, ready for {@link run}, {@link check} and {@link grade}.
 * @throws {@link SpecError} when the file is missing or has any error; its message lists every
 *   problem at its line and column, as `tracegrade validate` does.
 *
 * @example
 * ```js
 * const spec = await loadSpec('specs/coroutine-awaited.yaml');
 * console.log(spec.checks.map((c) => c.id));
 * ```
 */
export async function loadSpec(path: string): Promise<Spec> {
  const loaded = await loadSpecFile(path);
  if (loaded.spec) return loaded.spec;
  const source = await readFile(path, 'utf8').catch(() => undefined);
  throw new SpecError(describe(path, loaded.diagnostics, source), loaded.diagnostics);
}

/**
 * Build a spec from a plain object with the same shape as the YAML (`run`, `timing`, `lines`,
 * `checks`…), validated by the same loader. Paths in `run.files` are relative to the working
 * directory.
 *
 * @throws {@link SpecError} when the object is not a valid spec.
 *
 * @example
 * ```js
 * const spec = specFromObject({ run: { runtime: 'node' }, checks: [{ id: 'hi', exists: 'hello' }] });
 * ```
 */
export function specFromObject(spec: Record<string, unknown>): Spec {
  const text = stringify(spec);
  const loaded = parseSpec(text, '');
  if (loaded.spec) return loaded.spec;
  throw new SpecError(describe('', loaded.diagnostics, text), loaded.diagnostics);
}

/** A spec given by path or already loaded. */
export async function toSpec(spec: string | Spec): Promise<Spec> {
  return typeof spec === 'string' ? loadSpec(spec) : spec;
}
