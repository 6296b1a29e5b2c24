/** The words and the bar of batch progress: pure functions of the counts (progress.ts draws them). */

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const green = sgr(32, 39);
const red = sgr(31, 39);
const dim = sgr(2, 22);

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface ProgressState {
  total: number;
  done: number;
  reused: number;
  running: number;
  errors: number;
  jobs: number;
  elapsedMs: number;
}

/** ETA from the pace of the submissions graded in this run (reused ones cost nothing). */
export function eta(s: ProgressState): number | undefined {
  const graded = s.done - s.reused;
  const left = s.total - s.done;
  if (left === 0) return 0;
  if (graded < 1 || s.elapsedMs <= 0) return undefined;
  return (left * s.elapsedMs) / graded;
}

export function progressLine(s: ProgressState): string {
  const pct = s.total ? Math.floor((100 * s.done) / s.total) : 100;
  const parts = [`${s.done}/${s.total} graded (${pct}%)`];
  if (s.reused) parts.push(`${s.reused} reused`);
  if (s.running) parts.push(`${s.running} running`);
  if (s.errors) parts.push(`${s.errors} not gradable`);
  parts.push(`${formatDuration(s.elapsedMs)} elapsed`);
  const e = eta(s);
  if (s.done < s.total) parts.push(`ETA ${e === undefined ? '…' : formatDuration(e)}`);
  return parts.join(' · ');
}

/**
 * The TTY bar, cut to `width - 1` columns. With `color`, as the terminal report paints: the
 * done part green (red once a submission could not be graded), the rest and the times dim;
 * colour is applied after cutting, so escape codes never count as columns.
 */
export function progressBar(s: ProgressState, width: number, color = false): string {
  const line = progressLine(s);
  const barWidth = Math.max(10, Math.min(30, width - line.length - 4));
  const filled = s.total ? Math.round((barWidth * s.done) / s.total) : barWidth;
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] `;
  const text = `${bar}${line}`;
  const cut = text.length > width - 1 ? text.slice(0, Math.max(0, width - 1)) : text;
  if (!color) return cut;
  const barEnd = Math.min(cut.length, bar.length);
  const head = cut.slice(0, barEnd);
  const doneEnd = Math.min(head.length, 1 + filled);
  const paint = s.errors ? red : green;
  let tail = cut.slice(barEnd);
  tail = tail.replace(/\d+ not gradable/, (m) => red(m)).replace(/ · [^·]*elapsed.*$/, (m) => dim(m));
  return `${head[0] ?? ''}${paint(head.slice(1, doneEnd))}${dim(head.slice(doneEnd))}${tail}`;
}

