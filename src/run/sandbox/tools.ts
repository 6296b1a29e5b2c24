/** The helper tools the levels use, found once in the system dirs (not only the user's PATH). */

import { constants as fsc } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { cachedProbe, fileStamp } from '../probe-cache.js';
import { runToEnd } from '../run-to-end.js';

export interface Tools {
  bwrap: string | null;
  prlimit: string | null;
  setpriv: string | null;
  timeout: string | null;
}

let toolsCache: Promise<Tools> | null = null;
let bwrapVersionCache: Promise<number[]> | null = null;

async function find(name: string): Promise<string | null> {
  const dirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')];
  for (const d of dirs) {
    if (!d) continue;
    try {
      await access(path.join(d, name), fsc.X_OK);
      return path.join(d, name);
    } catch {
      /* next */
    }
  }
  return null;
}

export function tools(): Promise<Tools> {
  toolsCache ??= (async () => {
    // TRACEGRADE_BWRAP picks another bwrap (a newer build, or a path that does not exist to test the fallback).
    const bwrap = process.env.TRACEGRADE_BWRAP !== undefined ? process.env.TRACEGRADE_BWRAP || null : await find('bwrap');
    const [prlimit, setpriv, timeout] = await Promise.all([find('prlimit'), find('setpriv'), find('timeout')]);
    return { bwrap, prlimit, setpriv, timeout };
  })();
  return toolsCache;
}

async function askVersion(bwrap: string): Promise<number[] | null> {
  const r = await runToEnd(bwrap, ['--version'], { timeoutMs: 10_000 });
  const v = (r.stdout.match(/(\d+)\.(\d+)(?:\.(\d+))?/) ?? []).slice(1).map((x) => Number(x ?? 0));
  return r.exitCode === 0 && v.length ? v : null;
}

/** bwrap's version (which flags it has), asked once per bwrap binary: kept in the probe cache under its file stamp. */
export async function bwrapVersion(bwrap: string): Promise<number[]> {
  bwrapVersionCache ??= cachedProbe('bwrap-version', { bwrap, stamp: fileStamp(bwrap) }, () => askVersion(bwrap), () => true).then((v) => v ?? []);
  return bwrapVersionCache;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export function resetTools(): void {
  toolsCache = null;
  bwrapVersionCache = null;
}
