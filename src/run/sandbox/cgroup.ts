/**
 * Per-run cgroup (v1, as root): the only thing that limits processes for uid 0 (RLIMIT_NPROC
 * is never enforced for root, even in a user namespace), and a handle on every process of the
 * run — including ones that escaped the process group with setsid — for accounting and the kill.
 */

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup';
let counter = 0;

export interface CgroupStats {
  cpuMs?: number;
  /** Peak memory charged to the run (v1 counts page cache and tmpfs too). */
  maxRssKb?: number;
  /** How many times a fork was refused by the process limit. */
  pidsLimitHits?: number;
}

/** The cgroup v1 path of this process for a controller ("/" or "/process_api/…"). */
async function ownPath(controller: string): Promise<string | null> {
  try {
    const text = await readFile('/proc/self/cgroup', 'utf8');
    for (const line of text.split('\n')) {
      const [, ctrls, p] = line.split(':');
      if (ctrls && p !== undefined && ctrls.split(',').includes(controller)) return p;
    }
  } catch {
    /* not Linux */
  }
  return null;
}

let swept = false;

/** Remove empty cgroups left by a harness that was killed mid-run (their pid is gone). */
async function sweepStale(parents: string[]): Promise<void> {
  if (swept) return;
  swept = true;
  for (const parent of parents) {
    let names: string[] = [];
    try {
      names = (await readdir(parent)).filter((n) => /^tracegrade-\d+-\d+$/.test(n));
    } catch {
      continue;
    }
    for (const n of names) {
      const pid = Number(n.split('-')[1]);
      if (pid === process.pid || existsSync(`/proc/${pid}`)) continue;
      await rmdir(path.join(parent, n)).catch(() => {}); // fails while not empty: fine
    }
  }
}

export class RunCgroup {
  private constructor(
    readonly dirs: { pids: string; memory?: string; cpuacct?: string },
    readonly maxProcesses: number,
  ) {}

  /** Create the run's cgroups, or null when there is no writable pids cgroup (non-root, v2-only, Docker). */
  static async create(maxProcesses: number): Promise<RunCgroup | null> {
    if (process.platform !== 'linux' || !existsSync(path.join(ROOT, 'pids', 'cgroup.procs'))) return null;
    const name = `tracegrade-${process.pid}-${++counter}`;
    const make = async (controller: string): Promise<string | undefined> => {
      const own = await ownPath(controller);
      if (own === null) return undefined;
      const dir = path.join(ROOT, controller, own, name);
      try {
        await mkdir(dir);
        return dir;
      } catch {
        return undefined;
      }
    };
    const parents = await Promise.all(['pids', 'memory', 'cpuacct'].map(async (c) => path.join(ROOT, c, (await ownPath(c)) ?? '/')));
    await sweepStale(parents);
    const pids = await make('pids');
    if (!pids) return null;
    try {
      await writeFile(path.join(pids, 'pids.max'), String(maxProcesses));
    } catch {
      await rmdir(pids).catch(() => {});
      return null;
    }
    const memory = await make('memory');
    const cpuacct = await make('cpuacct');
    return new RunCgroup({ pids, memory, cpuacct }, maxProcesses);
  }

  /** Wrap argv so the process joins the cgroups before it execs (no fork can happen before). */
  wrap(file: string, args: string[]): { file: string; args: string[] } {
    const joins = Object.values(this.dirs)
      .filter((d): d is string => !!d)
      .map((d) => `echo $$ > '${path.join(d, 'cgroup.procs')}'`)
      .join(' && ');
    return { file: '/bin/sh', args: ['-c', `${joins} && exec "$@"`, 'sh', file, ...args] };
  }

  async pids(): Promise<number[]> {
    try {
      const text = await readFile(path.join(this.dirs.pids, 'cgroup.procs'), 'utf8');
      return text.split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** Signal every process of the run (except `spare`); returns how many there were. */
  async signalAll(signal: NodeJS.Signals, spare?: number): Promise<number> {
    const pids = (await this.pids()).filter((p) => p !== spare);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
    return pids.length;
  }

  /** SIGKILL until the cgroup is empty (a fork bomb refills it between reads). */
  async killAll(deadlineMs = 2000): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      if ((await this.signalAll('SIGKILL')) === 0) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return (await this.pids()).length === 0;
  }

  async stats(): Promise<CgroupStats> {
    const out: CgroupStats = {};
    const num = async (dir: string | undefined, file: string): Promise<number | undefined> => {
      if (!dir) return undefined;
      try {
        const n = Number((await readFile(path.join(dir, file), 'utf8')).trim().split(/\s+/).pop());
        return Number.isFinite(n) ? n : undefined;
      } catch {
        return undefined;
      }
    };
    const cpuNs = await num(this.dirs.cpuacct, 'cpuacct.usage');
    if (cpuNs !== undefined) out.cpuMs = Math.round(cpuNs / 1e4) / 100;
    const mem = await num(this.dirs.memory, 'memory.max_usage_in_bytes');
    if (mem !== undefined) out.maxRssKb = Math.round(mem / 1024);
    const hits = await num(this.dirs.pids, 'pids.events');
    if (hits !== undefined) out.pidsLimitHits = hits;
    return out;
  }

  async destroy(): Promise<void> {
    await this.killAll(1000);
    for (const d of Object.values(this.dirs)) {
      if (!d) continue;
      for (let i = 0; i < 20; i++) {
        try {
          await rmdir(d);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    }
  }
}
