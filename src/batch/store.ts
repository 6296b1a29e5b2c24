/**
 * Per-submission result files: <out>/.tracegrade/results/<spec>/<id>.json, written atomically
 * as each submission finishes, so a killed batch loses at most the runs in flight.
 * Each file carries a key (hashes of the spec file and instructor files, the submission's
 * files, the effective run options and the tool version): `--resume` reuses a stored result
 * only when its key still matches, so a fixed spec or a resubmission is graded again, and only
 * when its seal verifies (seal.ts), so a result rewritten by a submission is graded again too.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Spec } from '../spec/types.js';
import type { SubmissionResult } from '../score/types.js';
import type { GradeOptions, Job } from './types.js';
import { writeFileAtomic } from '../report/atomic.js';
import { effectiveSpec } from './grade-one.js';
import { copyLimits } from '../run/copy.js';
import { hashTreeBounded } from './hash-tree.js';
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
export type StoredRead = { result: SubmissionResult; sha: string; digest: string } | { tampered: string } | null;

/** A hash of a stored file's bytes: a result read again for the reports must be the one graded (store-source.ts). */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

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

/** Hash of a file or folder tree (the instructor's files: no limits); see hash-tree.ts. */
export async function hashTree(path: string): Promise<string> {
  return (await hashTreeBounded(path)).hash;
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

/**
 * `specCache` (one per batch) hashes each spec once, however many submissions it grades. The
 * submission is hashed within the copy's limits; `signal` (SIGTERM) aborts the walk.
 */
export async function storeKey(job: Job, opts: GradeOptions, specCache = new Map<Spec, Promise<string>>(), signal?: AbortSignal): Promise<StoreKey> {
  let spec = specCache.get(job.spec);
  if (!spec) specCache.set(job.spec, (spec = hashSpec(job.spec)));
  return {
    spec: await spec,
    submission: (await hashTreeBounded(job.submission, { limits: copyLimits(), ...(signal ? { signal } : {}) })).hash,
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
  let stored: Omit<StoredResult, 'mac'>;
  let body = sealedBody(text, secret);
  if (body !== null) {
    try {
      stored = JSON.parse(body) as StoredResult;
    } catch {
      return null; // sealed, yet not JSON: nothing this writer makes; grade again
    }
  } else {
    // Not as this writer lays it out, or not sealed by this folder's secret: parse it whole and
    // seal what it says, to tell a corrupt or older file (grade again) from a tampered one.
    let whole: StoredResult;
    try {
      whole = JSON.parse(text) as StoredResult;
    } catch {
      return null; // A corrupt file (impossible with atomic writes, but a user may edit it): grade again.
    }
    if (whole?.format !== STORE_FORMAT) return null; // an older tracegrade's file
    body = sealedJson(whole.key, whole.result);
    if (!verifySeal(secret, body, whole.mac)) return { tampered: file };
    stored = whole;
  }
  if (!stored.key || !sameKey(stored.key, key)) return null;
  if (stored.result?.id !== job.id || stored.result.spec !== job.spec.name) return null;
  return { result: stored.result, sha: textHash(text), digest: resultDigest(body, stored.key, body.length - 1) };
}

/** The JSON a stored file's mac seals. */
function sealedJson(key: StoreKey, result: SubmissionResult): string {
  return JSON.stringify({ format: STORE_FORMAT, key, result });
}

/**
 * The sealed body of a stored file as storedText writes it (`{"format":…,"key":…,"result":…}`,
 * then `,"mac":"<hex>"}`), when the mac at its very end seals exactly those bytes: then that
 * slice is what gets parsed, and nothing outside it is read. Saves re-serialising every result
 * to check its seal (a finished `--resume` of 1,000 did that 1,000 times). null otherwise.
 */
function sealedBody(text: string, secret: Buffer): string | null {
  const m = /,"mac":"([0-9a-f]{64})"\}\n?$/.exec(text);
  if (!m || !text.startsWith(`{"format":${STORE_FORMAT},`)) return null;
  const body = `${text.slice(0, m.index)}}`;
  return verifySeal(secret, body, m[1]) ? body : null;
}

/**
 * The digest of the result (report/output-key.ts `submissionDigest`: sha256 of its JSON) from
 * a stored file's text or sealed body, which hold that JSON verbatim after the key: no second
 * serialisation of a whole trace. `end` is where the result's JSON ends in `text`.
 */
export function resultDigest(text: string, key: StoreKey, end = text.lastIndexOf(',"mac":')): string {
  const head = `{"format":${STORE_FORMAT},"key":${JSON.stringify(key)},"result":`;
  if (!text.startsWith(head) || end < head.length) throw new Error('resultDigest: not a stored result');
  return createHash('sha256').update(text.slice(head.length, end)).digest('base64url');
}

/** The sealed file's text. Pure and heavy (the whole trace, twice): the score workers compute it off the stamping loop. */
export function storedText(key: StoreKey, result: SubmissionResult, secret: Buffer): string {
  const body = sealedJson(key, result);
  const stored: StoredResult = { format: STORE_FORMAT, key, result, mac: seal(secret, body) };
  return `${JSON.stringify(stored)}\n`;
}

/** A stored file's text with the two hashes the reports key on (the file's, the result's). */
export interface StoreText {
  text: string;
  sha: string;
  digest: string;
}

/** storedText and its hashes: all of it heavy for a long trace, so the score workers make it. */
export function makeStoreText(key: StoreKey, result: SubmissionResult, secret: Buffer): StoreText {
  const text = storedText(key, result, secret);
  return { text, sha: textHash(text), digest: resultDigest(text, key) };
}

/** Store `result`; `made`, when given, is its makeStoreText computed elsewhere. Returns the file's textHash and the result's digest. */
export async function writeStored(outDir: string, job: Job, key: StoreKey, result: SubmissionResult, secret: Buffer, made?: StoreText): Promise<{ sha: string; digest: string }> {
  const m = made ?? makeStoreText(key, result, secret);
  await writeFileAtomic(resultPath(outDir, job.spec.name, job.id), m.text);
  return { sha: m.sha, digest: m.digest };
}
