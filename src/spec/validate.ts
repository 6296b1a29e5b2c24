/** `tracegrade validate`: load every spec named (directories expand to their *.yaml/*.yml files). */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSpecFile } from './load.js';
import type { Diagnostic } from './types.js';

export interface FileDiagnostics {
  file: string;
  diagnostics: Diagnostic[];
}

const SPEC_FILE = /\.ya?ml$/i;

/** The spec files a path names: itself, or a directory's *.yaml/*.yml files (not recursive), sorted. */
async function expand(path: string): Promise<string[] | Diagnostic> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return { file: path, line: 0, col: 0, severity: 'error', message: 'no such file or directory' };
  }
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => SPEC_FILE.test(n)).sort();
  if (names.length === 0) {
    return { file: path, line: 0, col: 0, severity: 'error', message: 'this directory holds no .yaml or .yml spec files' };
  }
  return names.map((n) => join(path, n));
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
      const diagnostics = [...result.diagnostics];
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
      out.push({ file, diagnostics });
    }
  }
  return out;
}

/** True when no file has an error (warnings do not fail validation). */
export function allValid(results: FileDiagnostics[]): boolean {
  return results.every((r) => r.diagnostics.every((d) => d.severity !== 'error'));
}
