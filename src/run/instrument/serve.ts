/**
 * The parent's side of an instrumented run, whatever the runtime (the Python tracer, the Node
 * virtual clock): it serves the side channel while the child runs — authenticates each record
 * (channel.ts), answers `jump` requests from its own clock once the lines the child claims to
 * have written have arrived (clock.ts), checks that every record carries the time it last
 * granted — and after the run merges and cross-checks it all with what it captured (merge.ts).
 * Optionally it watches the program's threads and processes in /proc (../observe.ts).
 */

import { ProcObserver } from '../observe.js';
import { ChannelReader } from './channel.js';
import { ParentClock } from './clock.js';
import { mergeChannel } from './merge.js';
import type { ChannelRecord, Instrumentation, RunIo } from './types.js';
import { BlockSampler } from './block-sampler.js';
import { Witness, type OpenReader } from './witness.js';

export interface ServeOptions {
  /** The run's signing key (the child gets it in its environment). */
  key: string;
  virtual: boolean;
  /** The wall-time limit in force: virtual time never runs past it. */
  wallMs: number;
  /** Merge task events and activity (the Python tracer sends them). */
  traceTasks: boolean;
  /** Compare the threads seen in /proc with the tracer's account (Python: it counts them). */
  observeProc: boolean;
  /**
   * Send the key as the channel's first line instead of the child's environment (Node): a
   * program can read its initial environment back from /proc/self/environ, never a line the
   * preload has already read.
   */
  keyOnChannel?: boolean;
  /** Read the program's Python stack at its witness requests (Python, with observeProc). */
  witness?: { open: OpenReader; prefetch?: () => void };
}

/** attach / onChannelData / finish of an Instrumentation that speaks the signed channel. */
export function serveChannel(opts: ServeOptions): Pick<Instrumentation, 'attach' | 'onChannelData' | 'finish'> {
  const { virtual, wallMs } = opts;
  let io: RunIo | null = null;
  let clock: ParentClock | null = null;
  let observer: ProcObserver | null = null;
  let helloPid: number | undefined;
  let witness: Witness | null = null;
  let sampler: BlockSampler | null = null;
  /** The hello's arrival on the capture's clock: the trace counts from it (the program's start). */
  let helloAtMs: number | undefined;
  let queue: Promise<void> = Promise.resolve();
  const timeProblems: string[] = [];

  const answer = (text: string) => {
    try {
      io?.channel?.write(`${text}\n`);
    } catch {
      /* the child is gone */
    }
  };
  const handle = async (rec: ChannelRecord) => {
    // Under the parent's clock every record carries exactly the time the parent last granted.
    if (clock && virtual && !clock.fellBack && rec.v !== clock.nowUs && timeProblems.length < 3) {
      timeProblems.push(`side-channel record ${rec.n} (${rec.k}) claims virtual time ${rec.v / 1e6} s, but the parent's clock was at ${clock.nowUs / 1e6} s`);
    }
    if (rec.k === 'hello' && typeof rec.pid === 'number') helloPid ??= rec.pid;
    if (rec.k === 'hello') helloAtMs ??= io?.capture.elapsedMs();
    if (rec.k === 'fallback') clock?.fallBack();
    // At each request the program is alive and waiting: a good moment to look (throttled: a
    // virtual run asks many times a second, and each answer is on its critical path).
    if (rec.k === 'end') observer?.sample();
    else if (rec.k === 'jump') observer?.sampleIfDue();
    // A witness request: the writing thread waits while the parent reads its stack.
    if (rec.w === 1 && rec.k === 'hello') await witness?.onHello(rec);
    if (rec.w === 1 && rec.k === 'line') {
      await witness?.onLine(rec);
      answer('w');
      return;
    }
    if (rec.k === 'jump') {
      const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
      // Asked from inside a task step, the wait blocks the loop: the parent sees it in the stack.
      const step = witness && clock ? await witness.onJump(rec) : null;
      const before = clock?.nowUs ?? 0;
      const granted = clock ? await clock.jump(n(rec.to), { stdout: n(rec.o), stderr: n(rec.e) }) : 0;
      if (step && clock) witness!.noteWait(step, before / 1000, (clock.nowUs - before) / 1000);
      answer(String(granted));
    } else if (rec.k === 'end') answer('ok');
  };
  const reader = new ChannelReader(opts.key, (rec) => {
    queue = queue.then(() => handle(rec)).catch(() => {});
  });

  return {
    attach(run) {
      io = run;
      if (opts.keyOnChannel) answer(opts.key);
      if (virtual) {
        const c = new ParentClock(wallMs * 1000, run.capture);
        clock = c;
        run.capture.onLine = (line) => c.lineArrived(line);
      }
      if (opts.observeProc && run.pid !== undefined) {
        const obs = new ProcObserver(run.pid, () => helloPid);
        observer = obs;
        obs.start();
        if (opts.witness) {
          // While the child starts, read its interpreter's symbols: the hello's look is then quick.
          const pre = opts.witness.prefetch;
          if (pre) setImmediate(pre);
          const w = new Witness(opts.witness.open, () => obs.mainPid(), run.capture);
          witness = w;
          if (!virtual) {
            sampler = new BlockSampler(() => (w.ready ? w.mainStep() : null), () => obs.mainPid(), () => run.capture.elapsedMs() - (helloAtMs ?? 0), w.blocks);
            sampler.start();
          }
        }
      }
    },
    onChannelData: (chunk) => reader.push(chunk),
    finish(record) {
      observer?.stop();
      sampler?.stop();
      reader.end(record.signal !== null || record.timedOut);
      return mergeChannel(
        record,
        { records: reader.records, problems: [...reader.problems, ...timeProblems], capped: reader.capped },
        { virtual, wallMs, traceTasks: opts.traceTasks, clock: clock ?? undefined, observer: observer ?? undefined, witness: witness?.outcome() },
      );
    },
  };
}
