/**
 * The two cgroup layouts behind one interface. v1 (this machine): a directory per controller
 * (pids, memory, cpuacct). v2 (GitHub ubuntu-24.04, current distributions): one directory whose
 * parent must delegate the controllers in cgroup.subtree_control, which the kernel refuses while
 * the parent has processes of its own (the "no internal processes" rule): the harness then moves
 * itself into a leaf of its own first. `root` is /sys/fs/cgroup, or a simulated tree in tests.
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RawStats {
  cpuUs?: number;
  memPeakBytes?: number;
  pidsMaxHits?: number;
  oomKills?: number;
}

export interface CgroupDirs {
  version: 1 | 2;
  /** Every cgroup.procs the run joins (one per v1 controller, one in v2). */
  procs: string[];
  /**
   * How the launching shell moves itself in, before it execs the sandbox: `echo <value> > <file>`.
   * v1: its own thread ("0") through `tasks`, which the kernel does without the global lock that
   * a whole-process move takes (and its wait for an RCU grace period: 10–15 ms of every run's
   * start here); a single-threaded shell is then wholly in, and all it forks is born there.
   * v2: `$$` through cgroup.procs (v2 moves whole processes only).
   */
  join: Array<{ file: string; value: '0' | '$$' }>;
  setLimits(processes: number, memoryBytes: number): Promise<void>;
  stats(): Promise<RawStats>;
  /** v2's cgroup.kill: every process at once, forks in flight included. */
  killFile?: string;
  remove(): Promise<void>;
}

export const num = async (file: string, key?: string): Promise<number | undefined> => {
  try {
    const text = await readFile(file, 'utf8');
    const raw = key ? new RegExp(`^${key}\\s+(\\d+)`, 'm').exec(text)?.[1] : text.trim().split(/\s+/).pop();
    const n = Number(raw);
    return raw !== undefined && Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
};

/** This process's cgroup path for a v1 controller, or (controller '') the v2 path. */
export function ownPath(selfCgroup: string, controller: string): string | null {
  for (const line of selfCgroup.split('\n')) {
    const [id, ctrls, p] = line.split(':');
    if (p === undefined) continue;
    if (controller === '' ? id === '0' && ctrls === '' : ctrls!.split(',').includes(controller)) return p;
  }
  return null;
}

export async function makeV1(root: string, self: string, name: string): Promise<CgroupDirs | null> {
  const dir = async (c: string) => {
    const own = ownPath(self, c);
    if (own === null || !existsSync(path.join(root, c, 'cgroup.procs'))) return undefined;
    const d = path.join(root, c, own, name);
    return mkdir(d).then(() => d, (e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? d : undefined));
  };
  const pids = await dir('pids');
  if (!pids) return null;
  const [memory, cpuacct] = await Promise.all([dir('memory'), dir('cpuacct')]);
  const all = [pids, memory, cpuacct].filter((d): d is string => !!d);
  return {
    version: 1,
    procs: all.map((d) => path.join(d, 'cgroup.procs')),
    join: all.map((d) => ({ file: path.join(d, 'tasks'), value: '0' as const })),
    async setLimits(processes, memoryBytes) {
      await writeFile(path.join(pids, 'pids.max'), String(processes));
      if (memory) {
        await writeFile(path.join(memory, 'memory.limit_in_bytes'), String(memoryBytes)).catch(() => {});
        await writeFile(path.join(memory, 'memory.max_usage_in_bytes'), '0').catch(() => {}); // reset the peak (reused dirs)
      }
    },
    async stats() {
      return {
        cpuUs: cpuacct ? ((await num(path.join(cpuacct, 'cpuacct.usage'))) ?? NaN) / 1000 : undefined,
        memPeakBytes: memory ? await num(path.join(memory, 'memory.max_usage_in_bytes')) : undefined,
        pidsMaxHits: await num(path.join(pids, 'pids.events'), 'max'),
        oomKills: memory ? await num(path.join(memory, 'memory.oom_control'), 'oom_kill') : undefined,
      };
    },
    async remove() {
      for (const d of all) await rmdir(d).catch(() => {});
    },
  };
}

export async function makeV2(root: string, self: string, name: string): Promise<CgroupDirs | null> {
  const own = ownPath(self, '');
  if (own === null || !existsSync(path.join(root, 'cgroup.controllers'))) return null;
  const parent = path.join(root, own);
  const avail = (await readFile(path.join(parent, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
  if (!avail.includes('pids')) return null;
  if (!(await delegates(parent))) {
    // Our cgroup holds the harness: move it to a leaf of its own, then the parent may delegate.
    if (own !== '/') {
      const leaf = path.join(parent, `tracegrade-harness-${process.pid}`);
      await mkdir(leaf).catch(() => {});
      await writeFile(path.join(leaf, 'cgroup.procs'), String(process.pid)).catch(() => {});
    }
    const want = ['pids', ...(avail.includes('memory') ? ['memory'] : [])];
    const ok = await writeFile(path.join(parent, 'cgroup.subtree_control'), want.map((c) => `+${c}`).join(' ')).then(() => true, () => false);
    if (!ok || !(await delegates(parent))) return null;
  } else if (avail.includes('memory') && !(await delegated(parent)).includes('memory')) {
    await writeFile(path.join(parent, 'cgroup.subtree_control'), '+memory').catch(() => {});
  }
  const d = path.join(parent, name);
  if (!(await mkdir(d).then(() => true, (e: NodeJS.ErrnoException) => e.code === 'EEXIST'))) return null;
  const f = (n: string) => path.join(d, n);
  // The child has a controller's files exactly when the parent delegates it; cgroup.kill is 5.14+.
  const memory = (await delegated(parent)).includes('memory');
  return {
    version: 2,
    procs: [f('cgroup.procs')],
    join: [{ file: f('cgroup.procs'), value: '$$' as const }],
    killFile: existsSync(path.join(parent, 'cgroup.kill')) ? f('cgroup.kill') : undefined,
    async setLimits(processes, memoryBytes) {
      await writeFile(f('pids.max'), String(processes));
      if (memory) {
        await writeFile(f('memory.max'), String(memoryBytes));
        await writeFile(f('memory.swap.max'), '0').catch(() => {});
      }
    },
    async stats() {
      return {
        cpuUs: await num(f('cpu.stat'), 'usage_usec'),
        memPeakBytes: (await num(f('memory.peak'))) ?? (await num(f('memory.current'))),
        pidsMaxHits: await num(f('pids.events'), 'max'),
        oomKills: await num(f('memory.events'), 'oom_kill'),
      };
    },
    async remove() {
      await rmdir(d).catch(() => {});
    },
  };
}

/** Controllers `dir` hands to its children (the kernel lists "pids memory"; "+pids" read back from a simulated file). */
async function delegated(dir: string): Promise<string[]> {
  const text = await readFile(path.join(dir, 'cgroup.subtree_control'), 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map((c) => c.replace(/^\+/, ''));
}

const delegates = async (dir: string) => (await delegated(dir)).includes('pids');
