/**
 * Loading the CLI's bundle (dist/bundle/cli.cjs, scripts/bundle-cli.mjs) with V8's code cache:
 * compiling the bundle and the functions a command runs cost ~40 ms of every start; a cache
 * made after a command's first run lets the next runs skip that. One cache file per command
 * (each compiles other functions), named after the bundle's and Node's identity, in the probe
 * cache's folder (TRACEGRADE_CACHE_DIR=off: none). V8 checks a cache against the source and
 * its own version and flags and rejects a mismatch (then it is written again); we read only a
 * file of our own that no one else can write (trusted()), as for the probe cache.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { cacheDir, trusted } from '../run/probe-cache.js';

/** Commands with a cache of their own; anything else (help, typos) shares one. */
const COMMANDS = new Set(['grade', 'check', 'validate', 'record', 'report', 'merge']);

export interface Loaded<T> {
  exports: T;
  /** Write the cache if there was none or V8 rejected it (call after the command ran: it holds what ran). */
  save(): void;
}

function cacheFile(bundle: string, source: string, command: string | undefined): { dir: string; file: string; prefix: string } | null {
  const dir = cacheDir();
  if (!dir) return null;
  const s = statSync(bundle);
  const id = createHash('sha256')
    .update(`${s.ino}:${s.size}:${s.mtimeMs}:${source.length}:${process.version}:${process.arch}:${process.execArgv.join(' ')}`)
    .digest('hex')
    .slice(0, 16);
  const prefix = `v8-${command !== undefined && COMMANDS.has(command) ? command : 'other'}-`;
  return { dir, file: path.join(dir, `${prefix}${id}.bin`), prefix };
}

function readCache(file: string): Buffer | undefined {
  try {
    return trusted(file) ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** Run a CommonJS bundle as `require` would, compiled from the code cache when there is a good one. */
export function loadBundle<T>(bundle: string, command: string | undefined): Loaded<T> {
  const source = readFileSync(bundle, 'utf8');
  let where: ReturnType<typeof cacheFile> = null;
  try {
    where = cacheFile(bundle, source, command);
  } catch {
    /* no stat: no cache */
  }
  const cachedData = where ? readCache(where.file) : undefined;
  // The wrapper adds no line, so stack traces keep the bundle's line numbers. The bundle's
  // import() calls left to run time (a user's .mjs config) were renamed __tgImport by the build:
  // a vm.Script's own import() needs an experimental flag on Node 20.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __tgImport) {${source}\n})`, { filename: bundle, cachedData });
  const module = { exports: {} as T };
  const esmImport = (specifier: string): Promise<unknown> => import(specifier);
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), esmImport);
  return {
    exports: module.exports,
    save() {
      if (!where || (cachedData && !script.cachedDataRejected)) return;
      writeCache(where, script.createCachedData());
    },
  };
}

function writeCache(where: { dir: string; file: string; prefix: string }, data: Buffer): void {
  try {
    mkdirSync(where.dir, { recursive: true, mode: 0o700 });
    // The same command's caches of other builds are dead weight (~1 MB each).
    for (const f of readdirSync(where.dir)) if (f.startsWith(where.prefix) && f.endsWith('.bin')) rmSync(path.join(where.dir, f), { force: true });
    const tmp = `${where.file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, where.file);
  } catch {
    /* read-only home, full disk: compiled from source next time too */
  }
}
