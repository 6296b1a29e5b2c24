/**
 * One uid per concurrent run for a root harness at the rlimit level: runs cannot read each
 * other's work dirs or kill each other, and every process of the uid is the run's, so the end
 * of the run kills them all (setsid and double-fork escapees included) and removes the files it
 * left in the shared temp dirs. A uid is never handed out while a lock or a process holds it.
 */

import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SandboxUnavailableError } from './types.js';

export const RANGE_ENV = 'TRACEGRADE_UID_RANGE';
const DEFAULT_RANGE: [number, number] = [60000, 60999];
/** Shared, world-writable dirs where a run can leave files for the next run with its uid. */
const SHARED_TMP = ['/tmp', '/var/tmp', '/dev/shm'];

export function uidRange(): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(process.env[RANGE_ENV] ?? '');
  if (!m) return DEFAULT_RANGE;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo < 1000 || hi < lo) throw new SandboxUnavailableError(`${RANGE_ENV}=${process.env[RANGE_ENV]}: give LOW-HIGH with 1000 <= LOW <= HIGH`);
  return [lo, hi];
}

/** Live pids whose real, effective or saved uid is `uid` (from status: a non-dumpable process's /proc dir is root's). */
export async function pidsOfUid(uid: number): Promise<number[]> {
  const names = (await readdir('/proc').catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  const hits = await Promise.all(
    names.map(async (name) => {
      const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
      const ids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
      // A zombie is already dead (only its parent's wait() is missing): not the uid's to kill.
      return ids && ids.slice(1).some((x) => Number(x) === uid) && !/^State:\s+Z/m.test(status) ? Number(name) : null;
    }),
  );
  return hits.filter((p): p is number => p !== null);
}

async function lockDir(): Promise<string> {
  // /run is root's own; the temp-dir fallback is checked to be ours, not a link planted by another user.
  const dir = existsSync('/run') ? '/run/tracegrade-uids' : path.join(os.tmpdir(), 'tracegrade-uids-0');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  if (!st.isDirectory() || st.uid !== 0 || st.mode & 0o077) throw new SandboxUnavailableError(`${dir} is not a root-only directory; remove it`);
  return dir;
}

const inUse = new Set<number>();
const systemUids = async (): Promise<Set<number>> =>
  new Set((await readFile('/etc/passwd', 'utf8').catch(() => '')).split('\n').map((l) => Number(l.split(':')[2])).filter(Number.isFinite));

export class UidLease {
  private constructor(
    readonly uid: number,
    private readonly lock: string,
  ) {}

  /** A uid of the range no run (of any harness on this host), account or process holds. */
  static async acquire(): Promise<UidLease> {
    const [lo, hi] = uidRange();
    const dir = await lockDir();
    const taken = await systemUids();
    for (let uid = lo; uid <= hi; uid++) {
      if (inUse.has(uid) || taken.has(uid)) continue;
      const lock = path.join(dir, String(uid));
      const got = await tryLock(lock);
      if (!got) continue;
      // Only a lock taken over from a killed harness can have processes left behind.
      if (got === 'reclaimed' && (await pidsOfUid(uid)).length > 0) {
        await rm(lock, { recursive: true, force: true }); // a leftover of a killed harness still runs: not this one
        continue;
      }
      inUse.add(uid);
      return new UidLease(uid, lock);
    }
    throw new SandboxUnavailableError(`no free uid in ${lo}-${hi} for another concurrent run; lower --jobs or widen ${RANGE_ENV}`);
  }

  async signalAll(signal: NodeJS.Signals): Promise<number> {
    const pids = await pidsOfUid(this.uid);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        /* gone */
      }
    }
    return pids.length;
  }

  /**
   * Kill every process of the uid, remove its files from the shared temp dirs, free the uid.
   * `emptied`: the run's cgroup was emptied, and a non-root process cannot leave its cgroup,
   * so no process of the uid is left (scanning /proc costs tens of ms on a busy host).
   */
  async release(emptied = false): Promise<void> {
    const until = Date.now() + 2000;
    if (!emptied) while ((await this.signalAll('SIGKILL')) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const left = emptied ? 0 : (await pidsOfUid(this.uid)).length;
    for (const d of SHARED_TMP) {
      const names = await readdir(d).catch(() => [] as string[]);
      await Promise.all(
        names.map(async (n) => {
          const p = path.join(d, n);
          const st = await lstat(p).catch(() => null);
          if (st?.uid === this.uid) await rm(p, { recursive: true, force: true }).catch(() => {}); // rm never follows links
        }),
      );
    }
    inUse.delete(this.uid);
    // A process that could not be killed keeps the uid out of use (the next acquire sees it).
    if (left === 0) await rm(this.lock, { recursive: true, force: true });
  }
}

/** mkdir is atomic; a lock whose harness is gone is moved aside (one reclaimer wins) and retaken. */
async function tryLock(lock: string): Promise<'fresh' | 'reclaimed' | false> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await mkdir(lock, { mode: 0o700 });
      await writeFile(path.join(lock, 'pid'), String(process.pid));
      return attempt === 0 ? 'fresh' : 'reclaimed';
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number(await readFile(path.join(lock, 'pid'), 'utf8').catch(() => 'NaN'));
    if (!Number.isFinite(owner) || owner === process.pid || existsSync(`/proc/${owner}`)) return false;
    const aside = `${lock}.stale-${process.pid}-${Date.now()}`;
    if (!(await rename(lock, aside).then(() => true, () => false))) return false;
    await rm(aside, { recursive: true, force: true });
  }
  return false;
}
