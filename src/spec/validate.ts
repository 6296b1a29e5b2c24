/**
 * Loading and validating a set of spec paths — the one mechanism behind `tracegrade validate`
 * and every command that loads specs (grade, check): directories expand to their *.yaml/*.yml
 * files, each file gets all its diagnostics, and a name used twice is an error.
 */

import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadSpecFile } from './load.js';
import type { Diagnostic, Spec } from './types.js';

export interface FileDiagnostics {
  file: string;
  diagnostics: Diagnostic[];
  /** The loaded spec, when the file has no error of its own (a duplicate name still sets it). */
  spec?: Spec;
}

const SPEC_FILE = /\.ya?ml$/i;

/** Dot files (editor back-ups, `.#x.yaml` locks) are not specs, as in the batch planner. */
function isSpecName(name: string): boolean {
  return SPEC_FILE.test(name) && !name.startsWith('.');
}

/** The spec files a path names: itself, or a directory's *.yaml/*.yml files (not recursive), sorted. */
async function expand(path: string): Promise<string[] | Diagnostic> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return {
      file: path,
      line: 0,
      col: 0,
      severity: 'error',
      message: 'no such file or directory',
      hint: 'give a spec file (.yaml) or a folder of specs',
    };
  }
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter(isSpecName).sort();
  if (names.length === 0) {
    return {
      file: path,
      line: 0,
      col: 0,
      severity: 'error',
      message: 'this directory holds no .yaml or .yml spec files',
      hint: 'give the folder that holds the specs, or a spec file',
    };
  }
  return names.map((n) => join(path, n));
}

/**
 * A file named on purpose that is neither called *.yaml nor readable as YAML (a README, a
 * Python file) would otherwise drown the user in one syntax error per line: say it once.
 */
function notASpec(file: string, diagnostics: Diagnostic[]): Diagnostic[] {
  if (SPEC_FILE.test(file)) return diagnostics;
  const syntax = diagnostics.filter((d) => d.severity === 'error' && d.line > 0);
  if (syntax.length === 0) return diagnostics;
  return [
    {
      file,
      line: 0,
      col: 0,
      severity: 'error',
      message: `${basename(file)} is not a spec: its name does not end in .yaml or .yml and it is not valid YAML (${syntax.length} syntax error${syntax.length === 1 ? '' : 's'}, the first on line ${syntax[0]!.line})`,
      hint: 'give the spec file (e.g. specs/fetch-and-count.yaml), or a folder of specs',
    },
  ];
}

/**
 * Validate specs; one entry per file (in the order given, directories expanded), each with all
 * its diagnostics. A spec name used by two files is an error on the second: reports and batch
 * results are keyed by it. Valid = no entry has an error-severity diagnostic.
 */
export async function validateSpecFiles(paths: string[]): Promise<FileDiagnostics[]> {
  const out: FileDiagnostics[] = [];
  const seenFiles = new Set<string>();
  const names = new Map<string, string>();
  for (const p of paths) {
    const files = await expand(p);
    if (!Array.isArray(files)) {
      out.push({ file: p, diagnostics: [files] });
      continue;
    }
    for (const file of files) {
      if (seenFiles.has(file)) continue;
      seenFiles.add(file);
      const result = await loadSpecFile(file);
      const diagnostics = notASpec(file, [...result.diagnostics]);
      if (result.spec) {
        const other = names.get(result.spec.name);
        if (other) {
          diagnostics.push({
            file,
            line: 0,
            col: 0,
            severity: 'error',
            message: `spec name '${result.spec.name}' is also used by ${other}`,
            hint: 'give each spec a unique `name:` (results are filed under it)',
          });
        } else {
          names.set(result.spec.name, file);
        }
      }
      out.push({ file, diagnostics, ...(result.spec ? { spec: result.spec } : {}) });
    }
  }
  return out;
}

/** True when no file has an error (warnings do not fail validation). */
export function allValid(results: FileDiagnostics[]): boolean {
  return results.every((r) => r.diagnostics.every((d) => d.severity !== 'error'));
}
