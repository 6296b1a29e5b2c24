/**
 * One grader per output folder. Two graders on the same --out overwrite each other's stored
 * results and reports, so `grade` takes `<out>/.tracegrade/lock`, created with O_EXCL and
 * holding the pid, host and start time. A lock whose process is gone (same host, pid not
 * alive) is stale and taken over; any other is refused with a message naming its holder.
 */

import { hostname } from 'node:os';
import { chmod, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export class LockError extends Error {
  override name = 'LockError';
  constructor(
    message: string,
    readonly file: string,
    readonly holder?: LockInfo,
  ) {
    super(message);
  }
}

export function lockPath(outDir: string): string {
  return join(outDir, '.tracegrade', 'lock');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Take the lock (or throw LockError); the returned function releases it (only if still ours). */
export async function acquireLock(outDir: string, command = 'grade'): Promise<() => Promise<void>> {
  const file = lockPath(outDir);
  // 0700 (the stored results, the seal's key): out of reach of a run's uid even in a world-readable --out.
  await mkdir(join(outDir, '.tracegrade'), { recursive: true, mode: 0o700 });
  await chmod(join(outDir, '.tracegrade'), 0o700).catch(() => {});
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644);
      try {
        await fh.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await fh.close();
      }
      return async () => {
        const now = await readLock(file);
        if (now && now.pid === me.pid && now.host === me.host && now.started === me.started) await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readLock(file);
    // Stale: its process is gone (checkable on this host only), or the file is unreadable half-written junk.
    const stale = holder ? holder.host === me.host && !alive(holder.pid) : attempt === 0 && (await staleJunk(file));
    if (stale && attempt === 0) {
      await rm(file, { force: true });
      continue;
    }
    const who = holder ? `another tracegrade ${holder.command} (pid ${holder.pid} on ${holder.host}, started ${holder.started})` : 'another tracegrade grader';
    throw new LockError(
      `${who} is writing to ${outDir}: two graders on one output folder overwrite each other`,
      file,
      holder,
    );
  }
  throw new LockError(`could not take the lock ${file}`, file);
}

/** An unreadable lock older than a minute is left over from a crash while it was being written. */
async function staleJunk(file: string): Promise<boolean> {
  const st = await stat(file).catch(() => null);
  return !!st && Date.now() - st.mtimeMs > 60_000;
}
