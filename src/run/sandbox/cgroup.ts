/**
 * The run's cgroup (root): the only process limit for uid 0 (RLIMIT_NPROC is never enforced
 * for root, even in a user namespace), a memory cap over all the run's processes together (each
 * has its own RLIMIT_AS), and a handle on every process of the run for accounting and the kill.
 * Cgroups are reused run after run (a free list; stats are deltas from the run's start): making
 * and removing three directories per run cost ~40 ms of waiting for the kernel to let go.
 */

import { readFileSync, rmdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../limits.js';
import { makeV1, makeV2, type CgroupDirs, type RawStats } from './cgroup-fs.js';
import { resetSweep, sweepStale } from './cgroup-sweep.js';

export interface CgroupStats {
  cpuMs?: number;
  /** Peak memory charged to the run (counts page cache and tmpfs too). */
  maxRssKb?: number;
  /** How many times a fork was refused by the process limit. */
  pidsLimitHits?: number;
  /** Processes the kernel killed at the memory cap. */
  oomKills?: number;
}

/** Where the cgroup file systems are and this process's place in them (a simulated tree in tests). */
export interface CgroupHost {
  root: string;
  selfCgroup: string;
}

const free = new Map<string, CgroupDirs[]>();
const made: CgroupDirs[] = [];
let counter = 0;
let hostCache: CgroupHost | null = null;
const liveHost = (): CgroupHost => (hostCache ??= { root: '/sys/fs/cgroup', selfCgroup: safeRead('/proc/self/cgroup') });
function safeRead(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

process.once('exit', () => {
  for (const d of made) for (const p of d.procs) try { rmdirSync(path.dirname(p)); } catch { /* busy or gone */ }
});

export class RunCgroup {
  private constructor(
    private readonly dirs: CgroupDirs,
    private readonly key: string,
    private readonly base: RawStats,
    readonly maxProcesses: number,
    readonly memoryBytes: number,
  ) {}

  /** The run's cgroup with its limits set, or null when none is writable (non-root, Docker…). */
  static async create(limits: { processes: number; memoryBytes: number }, host: CgroupHost = liveHost()): Promise<RunCgroup | null> {
    if (process.platform !== 'linux') return null;
    const key = host.root;
    let dirs = free.get(key)?.pop();
    if (!dirs) {
      await sweepStale(host);
      const name = `tracegrade-${process.pid}-${++counter}`;
      dirs = (await makeV2(host.root, host.selfCgroup, name)) ?? (await makeV1(host.root, host.selfCgroup, name)) ?? undefined;
      if (!dirs) return null;
      made.push(dirs);
    }
    try {
      await dirs.setLimits(limits.processes, limits.memoryBytes);
    } catch {
      await dirs.remove();
      return null;
    }
    return new RunCgroup(dirs, key, await dirs.stats(), limits.processes, limits.memoryBytes);
  }

  /** The cgroup.procs files the run joins (for tests and the record). */
  get procsFiles(): readonly string[] {
    return this.dirs.procs;
  }

  get version(): 1 | 2 {
    return this.dirs.version;
  }

  describe(): string[] {
    return [`pids cgroup (max ${this.maxProcesses})`, `memory cgroup v${this.version} (max ${formatBytes(this.memoryBytes)}, all its processes together)`];
  }

  /** The files a process writes "0" into to join the cgroup itself (the wrapper's `echo`s). */
  get joinFiles(): string[] {
    return this.dirs.join.map((j) => j.file);
  }

  /** Wrap argv so the process joins the cgroup before it execs (no fork can happen before). */
  wrap(file: string, args: string[]): { file: string; args: string[] } {
    const joins = this.dirs.join.map((j) => `echo ${j.value} > '${j.file}'`).join(' && ');
    return { file: '/bin/sh', args: ['-c', `${joins} && exec "$@"`, 'sh', file, ...args] };
  }

  async pids(): Promise<number[]> {
    const text = await readFile(this.dirs.procs[0]!, 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map(Number);
  }

  /** Signal every process of the run (except `spare`); returns how many were still there. */
  async signalAll(signal: NodeJS.Signals, spare?: number): Promise<number> {
    let n = 0;
    for (const pid of await this.pids()) {
      if (pid === spare) continue;
      try {
        process.kill(pid, signal);
        n++;
      } catch {
        /* already gone */
      }
    }
    return n;
  }

  /** Kill until the cgroup is empty (a fork bomb refills it between reads; cgroup.kill does not race). */
  async killAll(deadlineMs = 2000): Promise<boolean> {
    if (this.dirs.killFile) await writeFile(this.dirs.killFile, '1').catch(() => {});
    const until = Date.now() + deadlineMs;
    // Short waits first: right after the run's exit its last processes are usually leaving the
    // list already (a fixed 10 ms poll added 10 ms to nearly every run's end).
    for (let wait = 1; Date.now() < until; wait = Math.min(wait * 2, 10)) {
      if ((await this.signalAll('SIGKILL')) === 0) return true;
      await new Promise((r) => setTimeout(r, wait));
    }
    return (await this.pids()).length === 0;
  }

  /** This run's share: counters minus their values when the run began. */
  async stats(): Promise<CgroupStats> {
    const now = await this.dirs.stats();
    const out: CgroupStats = {};
    const d = (k: keyof RawStats) => (now[k] !== undefined && Number.isFinite(now[k]) ? now[k]! - (this.base[k] ?? 0) : undefined);
    const cpu = d('cpuUs');
    if (cpu !== undefined) out.cpuMs = Math.round(cpu / 10) / 100;
    if (now.memPeakBytes !== undefined) out.maxRssKb = Math.round(now.memPeakBytes / 1024);
    const hits = d('pidsMaxHits');
    if (hits !== undefined) out.pidsLimitHits = hits;
    const oom = d('oomKills');
    if (oom) out.oomKills = oom;
    return out;
  }

  /** Empty the cgroup and put it back on the free list (or remove it if something survived); true when emptied. */
  async destroy(): Promise<boolean> {
    if (await this.killAll(1000)) {
      const list = free.get(this.key) ?? [];
      list.push(this.dirs);
      free.set(this.key, list);
      return true;
    }
    await this.dirs.remove();
    return false;
  }
}

/** For tests: forget reusable cgroups (of a simulated tree). */
export function resetCgroups(): void {
  free.clear();
  resetSweep();
  hostCache = null;
}
