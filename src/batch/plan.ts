/**
 * Which submissions each spec grades: (spec files/dirs, submission paths) → an ordered,
 * deterministic job list. Order = spec name, then submission id, compared by code unit (not
 * locale), so every machine — every shard of a CI matrix — sees the same list.
 *
 * Layouts understood, for each submission path P:
 * - a file: one submission (graded against every spec given);
 * - a folder holding one sub-folder per spec name (the bundled `submissions/<spec>/<student>/`):
 *   spec X grades the entries of P/X; a spec without its folder grades nothing (warning);
 * - a folder that is itself a submission (it holds the spec's entry file, or only files);
 * - otherwise a class folder: each sub-folder, and each file the runtime can run, is a submission.
 */

import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Spec } from '../spec/types.js';
import type { Job } from './types.js';

/** Bad paths given on the command line: the message names the path and the fix. */
export class PlanError extends Error {
  override name = 'PlanError';
}

export interface Plan {
  jobs: Job[];
  warnings: string[];
}

/** Code-unit comparison: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareJobs(a: Pick<Job, 'spec' | 'id' | 'submission'>, b: Pick<Job, 'spec' | 'id' | 'submission'>): number {
  return (
    compareStrings(a.spec.name, b.spec.name) || compareStrings(a.id, b.id) || compareStrings(a.submission, b.submission)
  );
}

const SKIP_NAMES = new Set(['node_modules', '__pycache__', '.git', '.tracegrade']);

function skipped(name: string): boolean {
  return name.startsWith('.') || SKIP_NAMES.has(name);
}

interface Entry {
  name: string;
  path: string;
  dir: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: Entry[] = [];
  for (const e of entries) {
    if (skipped(e.name)) continue;
    const path = join(dir, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) isDir = (await stat(path).catch(() => null))?.isDirectory() ?? false;
    out.push({ name: e.name, path, dir: isDir });
  }
  return out.sort((a, b) => compareStrings(a.name, b.name));
}

/** Files a runtime can run as a single-file submission. */
function runnable(spec: Spec, name: string): boolean {
  const ext = extname(name).toLowerCase();
  switch (spec.run.runtime) {
    case 'python':
      return ext === '.py';
    case 'node':
      return ext === '.js' || ext === '.mjs' || ext === '.cjs';
    default:
      return true;
  }
}

async function isSubmissionDir(dir: string, entries: Entry[], spec: Spec): Promise<boolean> {
  if (spec.run.entry) {
    const hit = await stat(join(dir, spec.run.entry)).catch(() => null);
    if (hit?.isFile()) return true;
  }
  return entries.length > 0 && entries.every((e) => !e.dir);
}

/** Submissions inside a class folder: each sub-folder, and each runnable file. */
async function candidates(dir: string, spec: Spec): Promise<string[]> {
  return (await list(dir)).filter((e) => e.dir || runnable(spec, e.name)).map((e) => e.path);
}

/** Spec files named on the command line: folders expand to their *.yaml / *.yml, sorted. */
export async function expandSpecPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new PlanError(`spec not found: ${p} — give a spec file (.yaml) or a folder of specs`);
    if (st.isDirectory()) {
      const files = (await list(abs)).filter((e) => !e.dir && /\.ya?ml$/i.test(e.name)).map((e) => e.path);
      if (files.length === 0) throw new PlanError(`no .yaml specs in folder ${p}`);
      out.push(...files);
    } else {
      out.push(abs);
    }
  }
  return [...new Set(out)];
}

/** Match specs to submissions. Throws PlanError for a missing path or two specs sharing a name. */
export async function planJobs(specs: Spec[], submissions: string[]): Promise<Plan> {
  const warnings: string[] = [];
  const byName = new Map<string, Spec>();
  for (const s of specs) {
    const other = byName.get(s.name);
    if (other && other !== s) {
      throw new PlanError(
        `two specs are named "${s.name}" (${other.file || 'in memory'} and ${s.file || 'in memory'}) — give one of them another 'name:'`,
      );
    }
    byName.set(s.name, s);
  }
  const sortedSpecs = [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
  const pairs: Array<{ spec: Spec; submission: string }> = [];
  const matchedByLayout = new Set<string>();
  const missingFolder = new Set<string>();

  for (const given of submissions) {
    const p = resolve(given);
    const st = await stat(p).catch(() => null);
    if (!st) throw new PlanError(`submission not found: ${given} — give a submission folder, a file, or a folder of submissions`);
    if (!st.isDirectory()) {
      for (const spec of sortedSpecs) pairs.push({ spec, submission: p });
      continue;
    }
    const entries = await list(p);
    const specDirs = new Map(entries.filter((e) => e.dir && byName.has(e.name)).map((e) => [e.name, e.path]));
    if (specDirs.size > 0) {
      // Bundled layout: <root>/<spec-name>/<submission>.
      for (const spec of sortedSpecs) {
        const dir = specDirs.get(spec.name);
        if (!dir) {
          missingFolder.add(spec.name);
          continue;
        }
        matchedByLayout.add(spec.name);
        const inner = await list(dir);
        const subs = (await isSubmissionDir(dir, inner, spec)) ? [dir] : await candidates(dir, spec);
        for (const s of subs) pairs.push({ spec, submission: s });
      }
      continue;
    }
    for (const spec of sortedSpecs) {
      const subs = (await isSubmissionDir(p, entries, spec)) ? [p] : await candidates(p, spec);
      for (const s of subs) pairs.push({ spec, submission: s });
    }
  }
  for (const name of [...missingFolder].sort(compareStrings)) {
    if (!matchedByLayout.has(name) && !pairs.some((x) => x.spec.name === name)) {
      warnings.push(`spec "${name}" has no submissions: no folder named "${name}" in the submissions folder`);
    }
  }
  return { jobs: assignIds(pairs), warnings };
}

/** Deduplicate (spec, path) pairs, name each by its folder/file name, suffix clashes (~2, ~3) in path order. */
function assignIds(pairs: Array<{ spec: Spec; submission: string }>): Job[] {
  const seen = new Set<string>();
  const unique = pairs.filter((x) => {
    const key = `${x.spec.name}\0${x.submission}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => compareStrings(a.spec.name, b.spec.name) || compareStrings(a.submission, b.submission));
  const used = new Map<string, number>();
  const jobs: Job[] = unique.map(({ spec, submission }) => {
    const base = basename(submission);
    let id = base;
    let n = 1;
    while (used.has(`${spec.name}\0${id}`)) id = `${base}~${++n}`;
    used.set(`${spec.name}\0${id}`, 1);
    return { spec, submission, id };
  });
  return jobs.sort(compareJobs);
}
