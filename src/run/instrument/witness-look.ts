/**
 * How the witness looks while a child's thread waits: for the record's line in what the parent
 * captured, and for the thread itself waiting in the tracer's channel. The child writes its line,
 * then its record, then waits, so each may take a moment to be there; the looks retry briefly.
 */

import type { TraceLine } from '../../trace/types.js';
import type { TraceCapture } from '../capture.js';
import type { PyFrame, PyStackReader, PyThreadStack } from '../pystack/index.js';
import { normText } from './line-text.js';

/**
 * How long the parent looks for the waiting thread. An honest one is there at once (it writes,
 * then waits); generous, because a loaded machine may pause it in between, and only a forged
 * record ever takes the whole time.
 */
const FIND_MS = 2000;
/**
 * How long a line record may wait for its line: the tracer writes the line (and flushes it), then
 * the record, so the line is already in the pipe. A record that comes first claims a line not yet
 * printed. A forger holding a claim open until its line comes would sit asleep inside its task
 * step meanwhile, which the parent counts as blocking the loop (loop-blocks.ts).
 */
export const ARRIVE_MS = 1000;

/** Finds each witnessed line in the capture, in order per stream. */
export class LineFinder {
  /** Per stream, the index in the capture just past the last line found. */
  private readonly cursor: Record<TraceLine['stream'], number> = { stdout: 0, stderr: 0 };

  constructor(private readonly capture: Pick<TraceCapture, 'lines' | 'open'>) {}

  /** Whether the line is in the capture already (or within ARRIVE_MS); null: the capture was cut. */
  async arrived(stream: unknown, x: unknown): Promise<boolean | null> {
    const s = stream === 'stderr' ? 'stderr' : 'stdout';
    if (typeof x !== 'string') return false;
    const text = normText(x);
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
}

/**
 * The thread `tid` once its innermost frame is where the tracer waits (`isWait`), with every
 * thread as read. undefined: readable, but no such thread waits; null: never read consistently.
 */
export async function waitingThread(
  reader: PyStackReader | null,
  tid: unknown,
  isWait: (f: PyFrame) => boolean,
): Promise<{ thread: PyThreadStack; all: PyThreadStack[] } | null | undefined> {
  const want = typeof tid === 'number' || typeof tid === 'string' ? String(tid) : '';
  const until = performance.now() + FIND_MS;
  let readable = false;
  for (let i = 0; ; i++) {
    const threads = reader?.threads() ?? null;
    if (threads) {
      readable = true;
      const t = threads.find((x) => x.threadId === want);
      if (t && t.frames.length > 0 && isWait(t.frames[0]!)) return { thread: t, all: threads };
    }
    if (performance.now() >= until) return readable ? undefined : null;
    await pause(i);
  }
}

/**
 * Between two looks: first setImmediate, which runs right after the I/O ready in this turn of the
 * event loop (the line's bytes, usually), then 1–2 ms timers. A timer of 0 would wait ≥ 1 ms at
 * every look, on the path of every attributed line.
 */
function pause(i: number): Promise<void> {
  return new Promise((r) => (i < 20 ? setImmediate(r) : setTimeout(r, i < 40 ? 1 : 2)));
}
