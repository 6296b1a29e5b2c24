import { createProgress, eta, formatDuration, progressBar, progressLine } from '../src/batch/progress.js';
import type { Job } from '../src/batch/types.js';
import type { SubmissionResult } from '../src/score/types.js';
import { makeSpec } from './batch-helpers.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

const job = (id: string): Job => ({ spec: makeSpec('p'), submission: `/x/${id}`, id });
const result = (id: string, error?: string) => ({ id, ...(error ? { error } : {}) }) as SubmissionResult;

describe('progress', () => {
  it('formats durations and estimates the time left from this run\'s pace (reused results cost nothing)', () => {
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    // 10 reused + 10 graded in 20 s → 1 per 2 s → 80 left → 160 s.
    expect(eta({ total: 100, done: 20, reused: 10, running: 2, errors: 0, jobs: 2, elapsedMs: 20_000 })).toBe(160_000);
    expect(eta({ total: 100, done: 10, reused: 10, running: 2, errors: 0, jobs: 2, elapsedMs: 5_000 })).toBeUndefined();
    const line = progressLine({ total: 200, done: 50, reused: 0, running: 2, errors: 1, jobs: 2, elapsedMs: 60_000 });
    expect(line).toBe('50/200 graded (25%) · 2 running · 1 not gradable · 1m00s elapsed · ETA 3m00s');
    const bar = progressBar({ total: 4, done: 2, reused: 0, running: 0, errors: 0, jobs: 1, elapsedMs: 1000 }, 80);
    expect(bar).toMatch(/^\[█+░+\] 2\/4 graded \(50%\)/);
    expect(bar.length).toBeLessThan(80);
  });

  it('CI (no TTY): one line at start, at most one per interval, and a final line', () => {
    let t = 0;
    const { chunks, stream } = sink(false);
    const p = createProgress(stream, { now: () => t, intervalMs: 10_000 });
    p.onPlan!({ total: 4, reused: 1, toGrade: 3, jobs: 2 });
    p.onResult!(job('r'), result('r'), { reused: true, done: 1, total: 4 });
    for (const id of ['a', 'b']) p.onStart!(job(id));
    t = 3_000;
    p.onResult!(job('a'), result('a'), { reused: false, done: 2, total: 4 });
    p.onStart!(job('c'));
    t = 12_000;
    p.onResult!(job('b'), result('b', 'no main.py'), { reused: false, done: 3, total: 4 });
    t = 14_000;
    p.onResult!(job('c'), result('c'), { reused: false, done: 4, total: 4 });
    p.onFinish!({} as never);
    expect(chunks.join('')).not.toMatch(/\r|\x1b/);
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines).toEqual([
      'grading 3 submissions, 2 at a time (1 reused from a previous run)',
      'progress: 1/4 graded (25%) · 1 reused · 0s elapsed · ETA …',
      'progress: 3/4 graded (75%) · 1 reused · 1 running · 1 not gradable · 12s elapsed · ETA 6s',
      'progress: 4/4 graded (100%) · 1 reused · 1 not gradable · 14s elapsed',
    ]);
  });

  it('TTY: redraws one bar in place and ends with a newline', () => {
    let t = 0;
    const { chunks, stream } = sink(true);
    const p = createProgress(stream, { now: () => t, redrawMs: 100 });
    p.onPlan!({ total: 2, reused: 0, toGrade: 2, jobs: 2 });
    p.onStart!(job('a'));
    t = 50;
    p.onStart!(job('b')); // within redrawMs: not drawn
    t = 500;
    p.onResult!(job('a'), result('a'), { reused: false, done: 1, total: 2 });
    t = 900;
    p.onResult!(job('b'), result('b'), { reused: false, done: 2, total: 2 });
    p.onFinish!({} as never);
    expect(chunks.every((c) => c.startsWith('\r\x1b[2K') || c === '\n')).toBe(true);
    expect(chunks.at(-1)).toBe('\n');
    expect(chunks.some((c) => c.includes('1/2 graded (50%) · 1 running'))).toBe(true);
    expect(chunks.at(-2)).toContain('2/2 graded (100%)');
    expect(chunks.filter((c) => c.includes('0/2'))).toHaveLength(1);
  });

  it('TTY: the bar is coloured like the terminal report (green done part, red once one is not gradable), never wider than the screen; no colour when told', () => {
    const state = { total: 4, done: 2, reused: 0, running: 1, errors: 0, jobs: 1, elapsedMs: 1000 };
    const plain = progressBar(state, 100);
    const coloured = progressBar(state, 100, true);
    expect(coloured).toMatch(/^\[\x1b\[32m█+\x1b\[39m\x1b\[2m░+\] \x1b\[22m2\/4 graded/);
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
    const bad = progressBar({ ...state, errors: 1 }, 100, true);
    expect(bad).toContain('\x1b[31m1 not gradable\x1b[39m');
    expect(bad).toMatch(/^\[\x1b\[31m█+/);
    // Cut to the width first, coloured after.
    // eslint-disable-next-line no-control-regex
    expect(progressBar(state, 40, true).replace(/\x1b\[\d+m/g, '')).toBe(progressBar(state, 40));
    const { chunks, stream } = sink(true);
    const p = createProgress(stream, { now: () => 0, color: false });
    p.onPlan!({ total: 1, reused: 0, toGrade: 1, jobs: 1 });
    p.onFinish!({} as never);
    expect(chunks.join('').replace(/^\r\x1b\[2K/gm, '')).not.toMatch(/\x1b\[\d+m/);
  });
});
