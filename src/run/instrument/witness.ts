/**
 * The parent's witness of a Python run: it reads the program's Python stack itself (from
 * /proc/<pid>/mem, ../pystack) while the thread that wrote a line waits for its answer, and
 * checks the tracer's claim of who printed the line against the real frames:
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

import type { TraceLine } from '../../trace/types.js';
import type { TraceCapture } from '../capture.js';
import { CO_COROUTINE, MAX_FRAMES, type PyFrame, type PyStackReader, type PyThreadStack } from '../pystack/index.js';
import { normText, quote } from './line-text.js';
import { stepOf, type LoopStep, type ParentBlock } from './loop-blocks.js';
import type { ChannelRecord } from './types.js';

/** How long the parent looks for the waiting thread (the child writes, then blocks in poll). */
const FIND_MS = 300;
/**
 * How long a line record may wait for its line: the tracer writes the line, then the record, so
 * the line is already in the pipe. A record that comes first claims a line not yet printed.
 */
const ARRIVE_MS = 200;
/** The tracer sends the last 17 coroutine names of a line (outer[-16:] + coro). */
const NAMES_SENT = 17;

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

interface Hello {
  waitCode: string;
  roots: string[];
  aio: string;
  tg: string;
}

export class Witness {
  private reader: PyStackReader | null = null;
  /** Every thread as the last look found them. */
  private lastThreads: PyThreadStack[] | null = null;
  private hello: Hello | null = null;
  private readonly out: WitnessOutcome = { lines: 0, stripped: new Map(), problems: [], blocks: [] };
  /** Per stream, the index in the capture just past the last line a witnessed record found. */
  private readonly cursor: Record<TraceLine['stream'], number> = { stdout: 0, stderr: 0 };

  constructor(
    private readonly open: OpenReader,
    private readonly hostPid: () => number | undefined,
    private readonly capture: Pick<TraceCapture, 'lines' | 'open'>,
  ) {}

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
    if (!this.hello) {
      if (!this.out.unavailable) this.out.stripped.set(rec.n, null);
      return;
    }
    this.out.lines++;
    const h = this.hello;
    const arrived = await this.arrived(rec);
    if (arrived === false) {
      this.problem(`line ${quote(rec.x)} was reported as printed before it was (the record came ${ARRIVE_MS} ms or more ahead of the line)`);
      return;
    }
    if (arrived === null) {
      this.out.stripped.set(rec.n, null);
      return;
    }
    const t = await this.waiting(rec.tid, (f) => f.code === h.waitCode);
    if (t === null || (t && t.frames.length >= MAX_FRAMES)) {
      this.out.stripped.set(rec.n, null); // not read consistently, or too deep to compare: no credit
      return;
    }
    if (t === undefined) {
      this.problem(`line record ${rec.n} (${quote(rec.x)}) came from no thread waiting in the tracer's channel`);
      return;
    }
    const user = userCoroutines(t.frames, h);
    const claimed = claimedNames(rec);
    const actual = user.map((i) => t.frames[i]!.name).reverse().slice(-NAMES_SENT);
    if (claimed.join('\u0000') !== actual.join('\u0000')) {
      const was = actual.length ? actual.join(' → ') : 'no coroutine';
      this.problem(`line ${quote(rec.x)} was reported as printed by ${claimed.join(' → ') || 'no coroutine'}, but the parent saw ${was} on that thread's stack`);
      return;
    }
    if ((rec.th === 0) !== t.main) {
      this.problem(`line ${quote(rec.x)} was reported from ${rec.th === 0 ? 'the main thread' : `thread ${String(rec.th)}`}, but the parent saw it written by ${t.main ? 'the main thread' : 'another thread'}`);
      return;
    }
    if (user.length > 0 && !insideLoopStep(t.frames, user[user.length - 1]!, h)) this.out.stripped.set(rec.n, t.frames[user[0]!]!.name);
  }

  /**
   * Virtual clock, at a jump: the program's code inside an event-loop step, on the thread asking
   * (time.sleep in a coroutine) or on the main thread while another thread asks (a step blocked on
   * a queue or a lock while a thread's sleeps move time): either way the loop waits that long.
   */
  async onJump(rec: ChannelRecord): Promise<LoopStep | null> {
    const h = this.hello;
    if (!h) return null;
    const t = await this.waiting(rec.tid, (f) => f.code === h.waitCode);
    if (!t) return null;
    const own = stepOf(t.frames, h.aio, h.roots);
    if (own || t.main) return own;
    const main = this.lastThreads?.find((x) => x.main);
    return main ? stepOf(main.frames, h.aio, h.roots) : null;
  }

  /** A wait the parent granted to a thread inside a step: one block per wait, as the tracer counts time.sleep. */
  noteWait(step: LoopStep, atMs: number, durationMs: number): void {
    if (durationMs > 0) this.out.blocks.push({ atMs, durationMs, name: step.name, how: 'waited' });
  }

  /** Real clock: the program's code inside an event-loop step on the main thread now, if any. */
  mainStep(): LoopStep | null {
    const h = this.hello;
    const main = h ? this.reader?.threads()?.find((t) => t.main) : undefined;
    return h && main ? stepOf(main.frames, h.aio, h.roots) : null;
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

  /** Whether the record's line is in the capture already (or within ARRIVE_MS); null: the capture was cut. */
  private async arrived(rec: ChannelRecord): Promise<boolean | null> {
    const s = rec.s === 'stderr' ? 'stderr' : 'stdout';
    if (typeof rec.x !== 'string') return false;
    const text = normText(rec.x);
    const until = performance.now() + ARRIVE_MS;
    for (let i = 0; ; i++) {
      const lines = this.capture.lines;
      for (let j = this.cursor[s]; j < lines.length; j++) {
        const l = lines[j]!;
        if (l.stream === s && normText(l.text) === text) {
          this.cursor[s] = j + 1;
          return true;
        }
      }
      if (!this.capture.open(s)) return null;
      if (performance.now() >= until) return false;
      await pause(i);
    }
  }

  private unavailable(why: string): void {
    this.out.unavailable = why;
    this.reader?.close();
    this.reader = null;
  }

  private problem(text: string): void {
    if (this.out.problems.length < 3) this.out.problems.push(text);
  }

  /**
   * The thread `tid` once its innermost frame is where the tracer waits (`isWait`): the child
   * writes its record first, so it may take a moment to get there. undefined: readable, but no
   * such thread waits; null: never read consistently.
   */
  private async waiting(tid: unknown, isWait: (f: PyFrame) => boolean): Promise<PyThreadStack | null | undefined> {
    const want = typeof tid === 'number' || typeof tid === 'string' ? String(tid) : '';
    const until = performance.now() + FIND_MS;
    let readable = false;
    for (let i = 0; ; i++) {
      const threads = this.reader?.threads() ?? null;
      if (threads) {
        readable = true;
        this.lastThreads = threads;
        const t = threads.find((x) => x.threadId === want);
        if (t && t.frames.length > 0 && isWait(t.frames[0]!)) return t;
      }
      if (performance.now() >= until) return readable ? undefined : null;
      await pause(i);
    }
  }
}

/** Indices (innermost first) of the program's own coroutine frames: not the interpreter's, not the tracer's. */
function userCoroutines(frames: PyFrame[], h: Hello): number[] {
  const out: number[] = [];
  frames.forEach((f, i) => {
    if (f.flags & CO_COROUTINE && f.file && !f.file.startsWith('<') && !h.roots.some((r) => f.file.startsWith(r))) out.push(i);
  });
  return out;
}

/** The coroutine names a line record claims, outermost first. */
function claimedNames(rec: ChannelRecord): string[] {
  if (typeof rec.coro !== 'string' || !rec.coro) return [];
  const outer = Array.isArray(rec.outer) ? rec.outer.filter((n): n is string => typeof n === 'string') : [];
  return [...outer, rec.coro].slice(-NAMES_SENT);
}

/** Whether the frames below the outermost coroutine (index `outermost`) are an asyncio event-loop step. */
function insideLoopStep(frames: PyFrame[], outermost: number, h: Hello): boolean {
  for (let i = outermost + 1; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.name === '_run_once' && f.file === `${h.aio}base_events.py`) return true;
    if (!f.file.startsWith(h.aio) && !f.file.startsWith(h.tg)) return false;
  }
  return false;
}

/**
 * Between two looks: first setImmediate, which runs right after the I/O ready in this turn of the
 * event loop (the line's bytes, usually), then 1–2 ms timers. A timer of 0 would wait ≥ 1 ms at
 * every look, on the path of every attributed line.
 */
function pause(i: number): Promise<void> {
  return new Promise((r) => (i < 20 ? setImmediate(r) : setTimeout(r, i < 40 ? 1 : 2)));
}
