/**
 * The parent's virtual clock. The child cannot move time: its clock asks (a `jump` record with
 * the target and how many lines it has written to stdout and stderr); the parent waits until it
 * has received those lines, advances its own time (never backwards, never past the wall-time
 * limit), answers, and stamps every line itself with its time at the arrival of the line's end.
 * A program can make itself wait, nothing more: it cannot date a line.
 */

import type { Stream, TraceLine } from '../../trace/types.js';
import type { TraceCapture } from '../capture.js';

/** How long (real ms) a jump waits for the lines the child says it wrote. */
export const LINE_WAIT_MS = 1000;

export class ParentClock {
  /** Granted virtual time, µs. */
  nowUs = 0;
  /** A jump asked for the wall-time limit or past it. */
  hitWall = false;
  /** The child fell back to real time at this point: later lines are stamped in real time. */
  private fallback: { us: number; realMs: number } | null = null;
  private readonly stamps = new WeakMap<TraceLine, number>();
  private waiter: (() => void) | null = null;

  constructor(
    private readonly wallUs: number,
    private readonly capture: Pick<TraceCapture, 'newlines' | 'open'>,
    private readonly realNow: () => number = () => performance.now(),
  ) {}

  /** Virtual µs now (after a fallback: the fallback point plus real time since). */
  current(): number {
    if (!this.fallback) return this.nowUs;
    return Math.round(this.fallback.us + (this.realNow() - this.fallback.realMs) * 1000);
  }

  get fellBack(): boolean {
    return this.fallback !== null;
  }

  fallBack(): void {
    this.fallback ??= { us: this.nowUs, realMs: this.realNow() };
  }

  /** A line completed: stamp it now. */
  lineArrived(line: TraceLine): void {
    this.stamps.set(line, this.current());
    this.waiter?.();
  }

  stampOf(line: TraceLine): number | undefined {
    return this.stamps.get(line);
  }

  /** Grant a jump to `toUs` once `lines` have arrived (or LINE_WAIT_MS passed); returns the new time. */
  async jump(toUs: number, lines: Record<Stream, number>): Promise<number> {
    // Output the tracer never counted (os.write(1, …), a child process) may already wait in the
    // stdout pipe, written before this request, so such a line must keep the time before the
    // jump. The rest of this turn's poll reads the pipes that were ready with the channel; but
    // when the channel woke us earlier (a record before the raw write) and its read already
    // held the jump, the pipe's data came after that poll. It is in the pipe by now (written
    // before the request was sent): the next turn's poll, which does not block while an
    // immediate waits, reads it. Two turns, then.
    for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    const have = () =>
      (['stdout', 'stderr'] as const).every((s) => this.capture.newlines[s] >= lines[s] || !this.capture.open(s));
    if (!have()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, LINE_WAIT_MS);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiter = () => {
          if (have()) done();
        };
      });
      this.waiter = null;
    }
    if (!this.fallback && Number.isFinite(toUs)) {
      if (toUs >= this.wallUs) this.hitWall = true;
      this.nowUs = Math.max(this.nowUs, Math.min(Math.floor(toUs), this.wallUs));
    }
    return this.nowUs;
  }
}
