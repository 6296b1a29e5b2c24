/**
 * Per-submission result files: <out>/.tracegrade/results/<spec>/<id>.json, written atomically
 * as each submission finishes, so a killed batch loses at most the runs in flight.
 * Each file carries a key (hashes of the spec file and instructor files, the submission's
 * files, the effective run options and the tool version): `--resume` reuses a stored result
 * only when its key still matches, so a fixed spec or a resubmission is graded again, and only
 * when its seal verifies (seal.ts), so a result rewritten by a submission is graded again too.
 */

import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Spec } from '../spec/types.js';
import type { SubmissionResult } from '../score/types.js';
import type { GradeOptions, Job } from './types.js';
import { writeFileAtomic } from '../report/atomic.js';
import { effectiveSpec } from './grade-one.js';
import { compareStrings } from './plan.js';
import { seal, verifySeal } from './seal.js';
import { toolVersion } from './version.js';

/** 2: sealed (`mac`, see seal.ts); format-1 files are graded again. */
export const STORE_FORMAT = 2;

export interface StoreKey {
  spec: string;
  submission: string;
  options: string;
  tool: string;
}

export interface StoredResult {
  format: typeof STORE_FORMAT;
  key: StoreKey;
  result: SubmissionResult;
  /** HMAC of JSON.stringify({ format, key, result }) under the folder's secret. */
  mac: string;
}

/** What `--resume` finds for a job: a verified result, one that fails verification, or nothing usable. */
export type StoredRead = { result: SubmissionResult } | { tampered: string } | null;

export function storeRoot(outDir: string): string {
  return join(outDir, '.tracegrade', 'results');
}

/** File names from ids and spec names: keep [A-Za-z0-9._-], percent-encode the rest (no clashes, no '..'). */
export function safeName(name: string): string {
  const enc = name.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return enc.startsWith('.') ? `%2E${enc.slice(1)}` : enc || '%';
}

export function resultPath(outDir: string, specName: string, id: string): string {
  return join(storeRoot(outDir), safeName(specName), `${safeName(id)}.json`);
}

/** Files larger than this are hashed by size and mtime only (a submission is a few small files). */
const CONTENT_HASH_LIMIT = 4 * 1024 * 1024;
const IGNORED = new Set(['__pycache__', 'node_modules', '.git', '.tracegrade']);

/** Hash of a file or folder tree: relative paths and contents, in sorted order. */
export async function hashTree(path: string): Promise<string> {
  const h = createHash('sha256');
  const root = await realpath(path).catch(() => path); // the submission itself may be given as a link
  async function walk(p: string): Promise<void> {
    const rel = relative(root, p);
    // lstat: a symlink is hashed as its target's name, never followed (a link to '..' must not loop).
    const st = await lstat(p).catch(() => null);
    if (!st) {
      h.update(`missing:${rel}\0`);
    } else if (st.isSymbolicLink()) {
      h.update(`link:${rel}\0${await readlink(p).catch(() => '?')}\0`);
    } else if (st.isDirectory()) {
      h.update(`dir:${rel}\0`);
      const names = await readdir(p).catch(() => null);
      if (!names) h.update('unreadable\0');
      for (const n of (names ?? []).filter((x) => !IGNORED.has(x)).sort(compareStrings)) await walk(join(p, n));
    } else {
      h.update(`file:${rel}\0${st.size}\0`);
      if (st.size > CONTENT_HASH_LIMIT) h.update(`${st.mtimeMs}\0`);
      // An unreadable file is the runner's to report (as this submission's error), not a reason to stop the batch.
      else h.update(await readFile(p).catch(() => `unreadable:${st.mtimeMs}`));
    }
  }
  await walk(root);
  return h.digest('hex');
}

/** Hash of what defines a spec: its file's bytes (or its model when in memory) and the instructor files. */
export async function hashSpec(spec: Spec): Promise<string> {
  const h = createHash('sha256');
  if (spec.file) h.update(await readFile(spec.file).catch(() => JSON.stringify(spec)));
  else h.update(JSON.stringify(spec));
  // Named runs bring instructor files of their own (their drivers): a changed driver is a changed spec.
  const files = new Set([spec.run.files, ...(spec.runs ?? []).map((r) => r.run.files)].flat());
  for (const f of files) h.update(`\0${await hashTree(f)}`);
  return h.digest('hex');
}

/** Hash of the options that change how a submission runs or is judged. */
export function hashOptions(spec: Spec, opts: GradeOptions): string {
  const eff = effectiveSpec(spec, opts);
  const relevant = {
    clock: eff.run.clock,
    interpreter: eff.run.interpreter ?? null,
    repeat: eff.run.repeat,
    scale: eff.timing.scale,
    sandbox: opts.sandbox ?? 'auto',
    requireSandbox: opts.requireSandbox ?? null,
    // `grade -t` grades a subset of the checks: its results must not stand in for a full grade.
    checks: spec.checks.map((c) => c.id),
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

/** `specCache` (one per batch) hashes each spec once, however many submissions it grades. */
export async function storeKey(job: Job, opts: GradeOptions, specCache = new Map<Spec, Promise<string>>()): Promise<StoreKey> {
  let spec = specCache.get(job.spec);
  if (!spec) specCache.set(job.spec, (spec = hashSpec(job.spec)));
  return {
    spec: await spec,
    submission: await hashTree(job.submission),
    options: hashOptions(job.spec, opts),
    tool: toolVersion(),
  };
}

function sameKey(a: StoreKey, b: StoreKey): boolean {
  return a.spec === b.spec && a.submission === b.submission && a.options === b.options && a.tool === b.tool;
}

/** The stored result for a job when it is sealed by this folder's secret and its key still matches. */
export async function readStored(outDir: string, job: Job, key: StoreKey, secret: Buffer): Promise<StoredRead> {
  const file = resultPath(outDir, job.spec.name, job.id);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  let stored: StoredResult;
  try {
    stored = JSON.parse(text) as StoredResult;
  } catch {
    return null; // A corrupt file (impossible with atomic writes, but a user may edit it): grade again.
  }
  if (stored?.format !== STORE_FORMAT) return null; // an older tracegrade's file
  const body = JSON.stringify({ format: stored.format, key: stored.key, result: stored.result });
  if (!verifySeal(secret, body, stored.mac)) return { tampered: file };
  if (!stored.key || !sameKey(stored.key, key)) return null;
  if (stored.result?.id !== job.id || stored.result.spec !== job.spec.name) return null;
  return { result: stored.result };
}

/** The sealed file's text. Pure and heavy (the whole trace, twice): the score workers compute it off the stamping loop. */
export function storedText(key: StoreKey, result: SubmissionResult, secret: Buffer): string {
  const body = JSON.stringify({ format: STORE_FORMAT, key, result });
  const stored: StoredResult = { format: STORE_FORMAT, key, result, mac: seal(secret, body) };
  return `${JSON.stringify(stored)}\n`;
}

/** Store `result`; `text`, when given, is its storedText computed elsewhere. */
export async function writeStored(outDir: string, job: Job, key: StoreKey, result: SubmissionResult, secret: Buffer, text?: string): Promise<string> {
  const path = resultPath(outDir, job.spec.name, job.id);
  await writeFileAtomic(path, text ?? storedText(key, result, secret));
  return path;
}
