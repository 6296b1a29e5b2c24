/**
 * The parent's witness of a Python run: it reads the program's Python stack itself (from
 * /proc/<pid>/mem, ../pystack) while the thread that wrote a line waits for its answer, and
 * checks the tracer's claim of who printed the line against the real frames (witness-verdict.ts):
 *
 * - the coroutines the record names must be exactly the program's coroutine frames on that
 *   thread's stack (a program that sends its own records cannot credit a line to a coroutine
 *   that was not running: tampered);
 * - the record's thread must be the one that waits (its main-thread claim included);
 * - a line is credited to a coroutine only when it was printed inside a step of asyncio's event
 *   loop: below the outermost coroutine frame, only asyncio's and the tracer's frames, down to
 *   `BaseEventLoop._run_once`. A coroutine driven by hand (`coro.send` from a loop of its own,
 *   with `time.sleep` between) prints lines that count for nobody.
 *
 * What the hello says (which code object the tracer waits in, which files are the interpreter's
 * and asyncio's) is sent before the program's first line, so it is the tracer's, not the
 * program's, word; the audit hook of runtime/python/_tracegrade/witness.py keeps those file names
 * true. docs/threat-model.md says what remains trusted.
 */

import type { TraceCapture } from '../capture.js';
import { MAX_FRAMES, type PyStackReader } from '../pystack/index.js';
import { quote } from './line-text.js';
import { stepOf, type LoopStep, type ParentBlock } from './loop-blocks.js';
import type { ChannelRecord } from './types.js';
import { ARRIVE_MS, LineFinder, waitingThread } from './witness-look.js';
import { judgeLine, type Hello } from './witness-verdict.js';

export interface WitnessOutcome {
  /** Attributed line records checked against the stack. */
  lines: number;
  /**
   * Record numbers whose attribution does not count: printed outside any step of asyncio's event
   * loop (the value: the coroutine that printed it), or not readable (the value: null).
   */
  stripped: Map<number, string | null>;
  /** Claims the stack contradicts: the run is tampered. */
  problems: string[];
  /** Why the parent could not witness this run (its attributions then rest on the tracer). */
  unavailable?: string;
  /** Where the parent saw the program block the event loop (loop-blocks.ts). */
  blocks: ParentBlock[];
}

export type OpenReader = (pid: number) => PyStackReader | { error: string };

export class Witness {
  private reader: PyStackReader | null = null;
  private hello: Hello | null = null;
  private readonly out: WitnessOutcome = { lines: 0, stripped: new Map(), problems: [], blocks: [] };
  private readonly finder: LineFinder;

  constructor(
    private readonly open: OpenReader,
    private readonly hostPid: () => number | undefined,
    capture: Pick<TraceCapture, 'lines' | 'open'>,
  ) {
    this.finder = new LineFinder(capture);
  }

  /**
   * At the hello, sent before the program's first line (so its word): where the tracer waits
   * and which files are whose. The reader opens now, while the program starts, off its path.
   */
  async onHello(rec: ChannelRecord): Promise<void> {
    const strs = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
    if (typeof rec.wc !== 'string' || !/^0x[0-9a-f]+$/.test(rec.wc) || typeof rec.aio !== 'string' || typeof rec.tg !== 'string') {
      return this.unavailable('the tracer did not say where it waits');
    }
    const pid = this.hostPid();
    if (pid === undefined) return this.unavailable("the program's process was not found in /proc");
    const r = this.open(pid);
    if ('error' in r) return this.unavailable(r.error);
    this.reader = r;
    if (!r.threads()) return this.unavailable("the program's stack could not be read at the start");
    this.hello = { waitCode: rec.wc, roots: strs(rec.roots), aio: rec.aio, tg: rec.tg };
  }

  /** A line record that names a task or coroutine: check it against the writer's stack. */
  async onLine(rec: ChannelRecord): Promise<void> {
    const h = this.hello;
    if (!h) {
      if (!this.out.unavailable) this.out.stripped.set(rec.n, null);
      return;
    }
    this.out.lines++;
    const arrived = await this.finder.arrived(rec.s, rec.x);
    if (arrived === false) {
      this.problem(`line ${quote(rec.x)} was reported as printed before it was (the record came ${ARRIVE_MS} ms or more ahead of the line)`);
      return;
    }
    const got = arrived === null ? null : await waitingThread(this.reader, rec.tid, (f) => f.code === h.waitCode);
    if (got === null || (got && got.thread.frames.length >= MAX_FRAMES)) {
      this.out.stripped.set(rec.n, null); // capture cut, not read consistently, or too deep to compare: no credit
      return;
    }
    if (got === undefined) {
      this.problem(`line record ${rec.n} (${quote(rec.x)}) came from no thread waiting in the tracer's channel`);
      return;
    }
    const v = judgeLine(rec, got.thread, h);
    if (v.kind === 'tampered') this.problem(v.why);
    else if (v.kind === 'uncredited') this.out.stripped.set(rec.n, v.name);
  }

  /**
   * Virtual clock, at a jump: the program's code inside an event-loop step, on the thread asking
   * (time.sleep in a coroutine) or on the main thread while another thread asks (a step blocked on
   * a queue or a lock while a thread's sleeps move time): either way the loop waits that long.
   */
  async onJump(rec: ChannelRecord): Promise<LoopStep | null> {
    const h = this.hello;
    if (!h) return null;
    const got = await waitingThread(this.reader, rec.tid, (f) => f.code === h.waitCode);
    if (!got) return null;
    const own = stepOf(got.thread.frames, h.aio, h.roots);
    if (own || got.thread.main) return own;
    const main = got.all.find((x) => x.main);
    return main ? stepOf(main.frames, h.aio, h.roots) : null;
  }

  /** A wait the parent granted to a thread inside a step: one block per wait, as the tracer counts time.sleep. */
  noteWait(step: LoopStep, atMs: number, durationMs: number): void {
    if (durationMs > 0) this.out.blocks.push({ atMs, durationMs, name: step.name, how: 'waited' });
  }

  /**
   * Real clock: the program's code inside an event-loop step on the main thread now, if any. A
   * thread waiting for the parent's own answer (a witness look) is not blocking the loop of its
   * own accord: it counts as no step, so the tracer's waits never add up to a block.
   */
  mainStep(): LoopStep | null {
    const h = this.hello;
    const main = h ? this.reader?.threads()?.find((t) => t.main) : undefined;
    if (!h || !main || main.frames[0]?.code === h.waitCode) return null;
    return stepOf(main.frames, h.aio, h.roots);
  }

  /** Where the blocks the parent sees go (the real-clock sampler adds to them too). */
  get blocks(): ParentBlock[] {
    return this.out.blocks;
  }

  get ready(): boolean {
    return this.hello !== null;
  }

  outcome(): WitnessOutcome {
    this.reader?.close();
    this.reader = null;
    return this.out;
  }

  private unavailable(why: string): void {
    this.out.unavailable = why;
    this.reader?.close();
    this.reader = null;
  }

  private problem(text: string): void {
    if (this.out.problems.length < 3) this.out.problems.push(text);
  }
}
