/**
 * Progress of a batch, independent of the reporters: on a TTY a bar redrawn in place with
 * counts and ETA; elsewhere (CI logs) one plain line at most every `intervalMs`, plus the
 * first and the last, so a 200-submission log stays short but never looks stuck.
 */

import type { GradeEvents } from './types.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Non-TTY: minimum time between two progress lines (default 10 s). */
  intervalMs?: number;
  /** TTY: minimum time between two redraws (default 100 ms). */
  redrawMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Force TTY or line mode (default: stream.isTTY). */
  tty?: boolean;
  /** Colour the bar (TTY only; default: on a TTY. The CLI passes false under NO_COLOR or TERM=dumb). */
  color?: boolean;
}

export { eta, formatDuration, progressBar, progressLine, type ProgressState } from './progress-format.js';
import { progressBar, progressLine, type ProgressState } from './progress-format.js';

/** GradeEvents that draw progress on `out`. Call `stop()` if the batch is abandoned. */
export function createProgress(out: ProgressStream, opts: ProgressOptions = {}): GradeEvents & { stop(): void } {
  const now = opts.now ?? (() => performance.now());
  const tty = opts.tty ?? Boolean(out.isTTY);
  const color = tty && (opts.color ?? true);
  const intervalMs = opts.intervalMs ?? 10_000;
  const redrawMs = opts.redrawMs ?? 100;
  const start = now();
  const state: ProgressState = { total: 0, done: 0, reused: 0, running: 0, errors: 0, jobs: 1, elapsedMs: 0 };
  let lastDraw = -Infinity;
  let finished = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  function draw(force: boolean): void {
    if (finished) return;
    const t = now();
    state.elapsedMs = t - start;
    if (tty) {
      if (!force && t - lastDraw < redrawMs) return;
      lastDraw = t;
      out.write(`\r\x1b[2K${progressBar(state, out.columns ?? 80, color)}`);
    } else {
      if (!force && t - lastDraw < intervalMs) return;
      lastDraw = t;
      out.write(`progress: ${progressLine(state)}\n`);
    }
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  return {
    onPlan(info) {
      state.total = info.total;
      state.jobs = info.jobs;
      if (!tty) {
        out.write(
          `grading ${info.toGrade} submission${info.toGrade === 1 ? '' : 's'}, ${info.jobs} at a time` +
            (info.reused ? ` (${info.reused} reused from a previous run)` : '') +
            '\n',
        );
      }
      // Keeps elapsed time and ETA moving while long runs are in flight; never keeps the process alive.
      timer = setInterval(() => draw(false), tty ? 1000 : intervalMs);
      timer.unref?.();
    },
    onStart() {
      state.running++;
      draw(false);
    },
    onResult(_job, result, info) {
      if (info.reused) state.reused++;
      else state.running = Math.max(0, state.running - 1);
      if (result.error) state.errors++;
      state.done = info.done;
      // The bar shows the last result at once; CI logs get the final line from onFinish.
      draw(tty && info.done === state.total);
    },
    onFinish() {
      stop();
      draw(true);
      finished = true;
      if (tty) out.write('\n');
    },
    stop,
  };
}
