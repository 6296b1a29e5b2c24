/**
 * What the parent sees of the program's processes and threads, from /proc, without asking the
 * program: the spawned process's tree (through the sandbox wrappers), the program's main process
 * (the one whose innermost pid is the pid its tracer announced: inside bwrap's pid namespace it
 * differs from the host's), its thread count at each sample, and every process seen in the tree.
 * Sampled on a timer and at each request of the child (a clock jump, its end record), when the
 * program is still alive.
 */

import { readFileSync, readdirSync } from 'node:fs';

export const OBSERVE_PERIOD_MS = 25;
/** At a clock request, sample only if the last sample is older than this. */
export const REQUEST_SAMPLE_MS = 5;

export interface Observed {
  threads: number;
  processes: number;
  source: string;
}

export class ProcObserver {
  /** Most threads seen at once in the main process, its main thread included. */
  maxThreads = 0;
  samples = 0;
  private readonly seen = new Set<number>();
  private main: number | null = null;
  private mainStart = 0;
  private lastSample = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  /** `root`: the spawned pid; `innerPid()`: the pid the program's tracer announced (ns-local), when known. */
  constructor(private readonly root: number, private readonly innerPid: () => number | undefined) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), OBSERVE_PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  sampleIfDue(): void {
    if (performance.now() - this.lastSample >= REQUEST_SAMPLE_MS) this.sample();
  }

  sample(): void {
    this.lastSample = performance.now();
    const tree = descendants(this.root);
    if (tree.length === 0) return;
    this.samples++;
    const inner = this.innerPid();
    if (this.main === null && inner !== undefined) {
      this.main = tree.find((p) => innermostPid(p) === inner) ?? null;
      if (this.main !== null) this.mainStart = startTime(this.main) ?? 0;
    }
    if (this.main === null) return;
    // The program's processes: the main one and any started after it (its children, and their
    // orphans, which bwrap's init adopts); not the sandbox's wrappers, started before it.
    const wrappers = new Set(ancestorsWithin(this.main, this.root));
    for (const p of tree) if (!wrappers.has(p) && !this.seen.has(p) && (p === this.main || (startTime(p) ?? -1) >= this.mainStart)) this.seen.add(p);
    const threads = countThreads(this.main);
    if (threads > this.maxThreads) this.maxThreads = threads;
  }

  /** The program's main process (host pid), once found. */
  mainPid(): number | undefined {
    if (this.main === null) this.sample();
    return this.main ?? undefined;
  }

  /** null until the program's main process was found. */
  result(helperThreads: number): Observed | null {
    if (this.main === null) return null;
    return {
      threads: Math.max(0, this.maxThreads - 1 - Math.min(1, Math.max(0, helperThreads))),
      processes: this.seen.size,
      source: `/proc of the program's process tree, ${this.samples} samples (every ${OBSERVE_PERIOD_MS} ms and at the child's requests)`,
    };
  }
}

/** A /proc file's text, or null (the process is gone). */
export function readProc(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** `pid` and every process below it (children of each of its threads), host pids. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length && out.length < 4096) {
    const p = todo.pop()!;
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    out.push(p);
    for (const t of tids) {
      const kids = readProc(`/proc/${p}/task/${t}/children`);
      if (kids) for (const k of kids.split(' ')) if (k.trim()) todo.push(Number(k));
    }
  }
  return out;
}

/** The pid of `pid` in its innermost pid namespace (NSpid's last field). */
export function innermostPid(pid: number): number | undefined {
  const m = /^NSpid:\s*([\d\s]+)$/m.exec(readProc(`/proc/${pid}/status`) ?? '');
  const f = m?.[1]!.trim().split(/\s+/);
  return f && f.length ? Number(f[f.length - 1]) : undefined;
}

/** Start time of `pid` in clock ticks since boot (/proc/<pid>/stat field 22). */
function startTime(pid: number): number | undefined {
  const st = readProc(`/proc/${pid}/stat`);
  if (!st) return undefined;
  const v = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[19]);
  return Number.isFinite(v) ? v : undefined;
}

function ppidOf(pid: number): number | undefined {
  const st = readProc(`/proc/${pid}/stat`);
  if (!st) return undefined;
  return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
}

/** `main`'s ancestors up to and including `root` (the sandbox wrappers), and `main` itself. */
function ancestorsWithin(main: number, root: number): number[] {
  const out = [main];
  let p: number | undefined = main;
  for (let i = 0; i < 16 && p !== undefined && p !== root; i++) {
    p = ppidOf(p);
    if (p !== undefined) out.push(p);
  }
  return out.filter((x) => x !== main);
}

function countThreads(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}
