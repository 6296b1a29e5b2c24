/** Which spec `check` checks against, and the part of it a student may see. */

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Check, Spec } from '../../spec/types.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { shown } from './validate.js';

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
