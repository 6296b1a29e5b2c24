/**
 * The warm pool: while a batch runs one submission, the sandbox of the run a lane makes next
 * (the same submission's next run, else the next submission) is already started — its own work
 * dir, its own plan (uid, cgroup), the interpreter up with the tracer and asyncio loaded — and
 * waits for go (run/prepare.ts). Each pre-started process is a complete sandbox for exactly one
 * run, so isolation is what a cold start gives. At most `capacity` (warmDepth) wait at once; a
 * prepared run that will not be made (an error cut its submission short, the batch ends or is
 * interrupted) is killed and its dir removed. When it is used: warmPoolEnabled.
 */

import { canPrestart } from '../run/prepare.js';
import { SandboxUnavailableError } from '../run/sandbox/index.js';
import { prepareRun, type PreparedRun } from '../run/runner.js';
import type { RunRecord } from '../trace/types.js';
import { runOptions, type RunRequest } from './engine.js';

/** The runs of each item (submission × spec) of the batch, in the order its lane makes them. */
export type PlannedItems = ReadonlyArray<ReadonlyArray<RunRequest>>;

interface Waiting {
  item: number;
  run: number;
  /** The settings it was prepared for: a request must match them exactly to use it. */
  fingerprint: string;
  prepared: PreparedRun;
}

/**
 * Whether a batch uses the pool. TRACEGRADE_WARM=0 turns it off. A start-up is a burst of CPU:
 * beside real-clock runs it needs a core of its own, or their lines are stamped late (measured,
 * docs/batch.md: at --jobs 2 on 2 cores the p99 line error went from 0.3–1.3 ms to up to 5.8 ms),
 * so a batch with a real-clock run uses it only while `jobs` leaves a core free.
 * TRACEGRADE_WARM=1 uses it whatever the batch.
 */
export function warmPoolEnabled(opts: { anyRealClock: boolean; jobs: number; cores: number }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TRACEGRADE_WARM === '0') return false;
  if (env.TRACEGRADE_WARM === '1') return true;
  return !opts.anyRealClock || opts.jobs < opts.cores;
}

/**
 * How many pre-started runs may wait at once. A start-up (~70 ms of CPU: the interpreter, site,
 * asyncio) takes longer than a short virtual-clock run, so with one waiting the lane waits for
 * it; one more keeps a ready sandbox ahead (--jobs 1 on 2 cores: 0.93 → 0.84 s for the 12
 * fetch-and-count submissions, docs/batch.md). Beside real-clock runs, only one per lane: more
 * start-up bursts would share the core the stamping needs.
 */
export function warmDepth(opts: { anyRealClock: boolean; jobs: number }): number {
  return opts.anyRealClock ? opts.jobs : opts.jobs + 1;
}

/** Prepares a run (warm: spawned, waiting for go); tests of the pool's order pass their own. */
export type Prepare = (req: RunRequest, warm: boolean) => PreparedRun;

const realPrepare: Prepare = (req, warm) => prepareRun(runOptions(req), warm);

export class WarmPool {
  private readonly waiting: Waiting[] = [];
  /** Items whose first run was taken (by a lane): the next submission to pre-start is after them. */
  private readonly begun = new Set<number>();
  private readonly discarding = new Set<Promise<void>>();
  private nextItem = 0;
  private closed = false;

  constructor(
    private readonly items: PlannedItems,
    private readonly capacity: number,
    private readonly prepare: Prepare = realPrepare,
  ) {}

  /** Make run `run` of item `item`: with its pre-started sandbox if one waits, else cold. */
  async run(item: number, run: number, req: RunRequest): Promise<RunRecord> {
    const found = this.take(item, run, req);
    this.begun.add(item);
    const started = (found ?? this.prepare(req, false)).start(req.signal).catch(async (err: unknown) => {
      // What the sandbox could not give this run (rlimit as root: no uid free in the range) may
      // be held by runs waiting for later turns: they give way, and this run starts cold.
      if (!(err instanceof SandboxUnavailableError) || this.waiting.length === 0) throw err;
      for (const w of this.waiting.splice(0)) this.discard(w.prepared);
      await Promise.all(this.discarding);
      return this.prepare(req, false).start(req.signal);
    });
    // Once this run has its go (a resolved promise away): its start comes first, then the next one's.
    setImmediate(() => this.refill(item, run));
    return started;
  }

  /** The item is done (or cut short): whatever still waits for it is of no use. */
  finished(item: number): void {
    for (const w of this.waiting.filter((x) => x.item === item)) this.drop(w);
  }

  /** Kill and remove everything still waiting; later requests start cold. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) this.discard(w.prepared);
    await Promise.all(this.discarding);
  }

  private take(item: number, run: number, req: RunRequest): PreparedRun | undefined {
    const w = this.waiting.find((x) => x.item === item && x.run === run);
    if (!w) return undefined;
    this.waiting.splice(this.waiting.indexOf(w), 1);
    if (w.fingerprint === fingerprint(req)) return w.prepared;
    this.discard(w.prepared);
    return undefined;
  }

  /** After a lane took (item, run): pre-start what that lane makes next, then later items, while there is room. */
  private refill(item: number, run: number): void {
    if (this.closed || this.waiting.length >= this.capacity) return;
    const runs = this.items[item] ?? [];
    if (run + 1 < runs.length) return this.prestart(item, run + 1);
    while (this.waiting.length < this.capacity) {
      while (this.nextItem < this.items.length && (this.begun.has(this.nextItem) || !this.items[this.nextItem]!.length)) this.nextItem++;
      if (this.nextItem >= this.items.length) return;
      this.prestart(this.nextItem++, 0);
    }
  }

  private prestart(item: number, run: number): void {
    const req = this.items[item]![run]!;
    if (!canPrestart(req.spec.run)) return; // Node and commands start cold, as before
    this.waiting.push({ item, run, fingerprint: fingerprint(req), prepared: this.prepare(req, true) });
  }

  private drop(w: Waiting): void {
    const i = this.waiting.indexOf(w);
    if (i >= 0) this.waiting.splice(i, 1);
    this.discard(w.prepared);
  }

  private discard(p: PreparedRun): void {
    const d = p.discard().finally(() => this.discarding.delete(d));
    this.discarding.add(d);
  }
}

/** What makes two requests the same run (the signal aside). */
function fingerprint(req: RunRequest): string {
  const { signal: _s, ...rest } = req;
  return JSON.stringify(rest);
}
