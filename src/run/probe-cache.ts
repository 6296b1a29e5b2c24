/**
 * A small on-disk cache of probe results that are expensive to redo on every start (which real
 * interpreter a pyenv shim runs: ~135 ms a start). An entry is found by a key that holds
 * everything the answer depends on (paths, their inode/size/mtime stamps, the environment
 * variables that steer the lookup) and is used only if its own check still holds (the cached
 * interpreter is the same file). Only positive answers are stored: a failure is always probed
 * again. A cache that cannot be read or written is simply not used.
 *
 * Location: $TRACEGRADE_CACHE_DIR, else $XDG_CACHE_HOME/tracegrade, else ~/.cache/tracegrade;
 * TRACEGRADE_CACHE_DIR=off disables it.
 */

import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FORMAT = 1;
/** Entries kept per kind (oldest dropped): one per interpreter × PATH × project is plenty. */
const MAX_ENTRIES = 64;

type Entries = Record<string, { at: number; value: unknown }>;

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env.TRACEGRADE_CACHE_DIR;
  if (own !== undefined) return own === '' || own === 'off' ? null : path.resolve(own);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tracegrade');
}

/** `dev:ino:size:mtime` of a file (following links), or null when it does not exist. */
export function fileStamp(file: string): string | null {
  try {
    const s = statSync(file);
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

function fileOf(kind: string): string | null {
  const dir = cacheDir();
  return dir ? path.join(dir, `${kind}.json`) : null;
}

/** Our own file only: another user's (or a world-writable) cache could name any program. */
export function trusted(file: string): boolean {
  try {
    const s = lstatSync(file);
    const uid = process.getuid?.() ?? s.uid;
    return s.isFile() && s.uid === uid && (s.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function read(file: string): Entries {
  if (!trusted(file)) return {};
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; entries?: Entries };
    return data.format === FORMAT && data.entries && typeof data.entries === 'object' ? data.entries : {};
  } catch {
    return {};
  }
}

function write(file: string, entries: Entries): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const kept = Object.entries(entries).sort((a, b) => b[1].at - a[1].at).slice(0, MAX_ENTRIES);
    // Write-then-rename: a parallel tracegrade reads the old file or the new one, never half of one.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(kept) }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    /* read-only home, full disk: the next start probes again */
  }
}

export const keyOf = (key: unknown): string => createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);

/** The stored answer for `key` if `stillValid` accepts it; else a `keep` that stores a computed one (not null). */
function lookup<T>(kind: string, key: unknown, stillValid: (value: T) => boolean): { hit?: T; keep(value: T | null): T | null } {
  const file = fileOf(kind);
  const k = keyOf(key);
  const hit = file ? read(file)[k] : undefined;
  if (hit && stillValid(hit.value as T)) return { hit: hit.value as T, keep: (v) => v };
  return {
    keep(value) {
      if (file && value !== null) write(file, { ...read(file), [k]: { at: Date.now(), value } });
      return value;
    },
  };
}

/**
 * The cached answer for `key` when `stillValid` accepts it, else `compute()` (stored when not null).
 */
export async function cachedProbe<T>(kind: string, key: unknown, compute: () => Promise<T | null>, stillValid: (value: T) => boolean): Promise<T | null> {
  const found = lookup(kind, key, stillValid);
  return found.hit !== undefined ? found.hit : found.keep(await compute());
}

/** cachedProbe for a synchronous `compute` (the stack reader's symbol tables, read while a child starts). */
export function cachedProbeSync<T>(kind: string, key: unknown, compute: () => T | null, stillValid: (value: T) => boolean): T | null {
  const found = lookup(kind, key, stillValid);
  return found.hit !== undefined ? found.hit : found.keep(compute());
}
