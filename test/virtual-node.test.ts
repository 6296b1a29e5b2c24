/**
 * The Node virtual clock (runtime/node/virtual.cjs, src/run/instrument/node.ts) through the real
 * runner, with real Node children, at the bwrap level (the preload and its vendored fake-timers
 * load from the read-only bind) and at level none: exact times, the lesson's verdicts as in
 * docs/expected-scores.md, the fallback to real time on real I/O, a busy-wait that ends, a
 * forged channel record caught, and the wall-time limit.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gradeOne } from '../src/batch/grade-one.js';
import { renderSummaryLine } from '../src/report/terminal.js';
import { runSubmission } from '../src/run/index.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { RunSettings } from '../src/spec/types.js';
import type { RunRecord } from '../src/trace/types.js';
import { readExpectedScores, ROOT } from './curriculum-helpers.js';
import { needsLevel } from './facilities.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'node-virtual');
const LESSON = path.join(ROOT, 'submissions', 'node-event-loop');

const settings = (over: Partial<RunSettings> = {}): RunSettings => ({
  runtime: 'node',
  entry: 'main.js',
  args: [],
  env: {},
  files: [],
  limits: { wallMs: 60_000 },
  clock: 'virtual',
  repeat: 1,
  policy: 'all',
  ...over,
});
const rows = (r: RunRecord) => r.trace.map((l) => [l.tMs, l.text] as const);

beforeAll(() => {
  // The build vendors fake-timers into runtime/node; ts-jest runs the sources, so make sure.
  if (!existsSync(path.join(ROOT, 'runtime', 'node', 'vendor', 'node_modules', '@sinonjs', 'fake-timers'))) {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'vendor-fake-timers.mjs')]);
  }
});

for (const sandbox of ['bwrap', 'none'] as const) needsLevel(sandbox).describe(`Node under the virtual clock, sandbox level ${sandbox}`, () => {
  const run = (dir: string, over: Partial<RunSettings> = {}) => runSubmission({ submission: path.join(FIXTURES, dir), settings: settings(over), sandbox });

  test('the lesson: exact times, and the verdicts of docs/expected-scores.md', async () => {
    const spec = (await loadSpecFile(path.join(ROOT, 'specs', 'node-event-loop.yaml'))).spec!;
    const expected = (await readExpectedScores()).filter((r) => r.spec === 'node-event-loop');
    expect(expected.length).toBe(4);
    for (const row of expected) {
      const res = await gradeOne(spec, path.join(LESSON, row.submission), { sandbox, clock: 'virtual' });
      const r = res.runs[0]!;
      expect([row.submission, r.clock, r.clockFallback, r.tampered]).toEqual([row.submission, 'virtual', undefined, undefined]);
      expect([row.submission, row.scores.includes(res.score)]).toEqual([row.submission, true]);
      expect([row.submission, res.checks.filter((c) => c.status === 'failed').map((c) => c.id)]).toEqual([row.submission, row.fails]);
      expect([row.submission, res.checks.filter((c) => c.status === 'skipped').map((c) => c.id)]).toEqual([row.submission, row.skipped]);
      if (row.submission === 'reference') {
        expect(rows(r)).toEqual([[0, 'start'], [0, 'end'], [0, 'promise'], [1, 'timeout 0'], [500, 'timeout 500']]);
        expect(r.wallMs).toBe(500);
      }
    }
  });

  test('30 s of setTimeout chains: exact times, in well under 2 s', async () => {
    const t0 = performance.now();
    const r = await run('chain-30s');
    const took = performance.now() - t0;
    expect(r.clock).toBe('virtual');
    expect(rows(r)).toEqual([[0, 'start'], ...[1, 2, 3, 4, 5, 6].map((k) => [k * 5000, `tick ${k * 10}`]), [30_000, 'done after 30 s']]);
    expect(r.wallMs).toBe(30_000);
    expect(took).toBeLessThan(2000);
  });

  test('setInterval, setImmediate, nextTick, timers/promises, Date.now, performance.now, hrtime follow the clock', async () => {
    const r = await run('timers-api');
    expect(r.clockFallback).toBeUndefined();
    expect(rows(r)).toEqual([
      [0, 'tick'],
      [0, 'immediate'],
      [100, 'interval 1 date +100 perf +100'],
      [200, 'interval 2 date +200 perf +200'],
      [250, 'slept 250 date +250'],
      [300, 'interval 3 date +300 perf +300'],
      [1250, 'slept value date +1250 hrtime +true'],
      [1300, 'immediate after timer +1300'],
    ]);
    expect(r.wallMs).toBe(1300);
  });

  test('an ES module entry: node:timers/promises and node:timers imported by name are virtual', async () => {
    const r = await run('esm-promises', { entry: 'main.mjs' });
    expect(rows(r)).toEqual([[700, 'awaited +700'], [1000, 'timers module +1000']]);
  });

  test('a file read pending while a timer waits: real time from there, and it says so (terminal too)', async () => {
    const r = await run('read-file');
    expect(r.clock).toBe('real');
    expect(r.clockFallback).toMatch(/real I\/O was pending \(a file operation\).*real time/);
    expect(r.tampered).toBeUndefined();
    expect(r.trace.map((l) => l.text)).toEqual(['start', 'read ok', 'timer 200']);
    // Real time from the fallback on: the 200 ms timer lands near 200 ms (the parent starts its
    // real-time count when the fallback record arrives, a few ms after the child switched).
    expect(r.trace[2]!.tMs).toBeGreaterThanOrEqual(150);
    const spec = (await loadSpecFile(path.join(ROOT, 'specs', 'node-event-loop.yaml'))).spec!;
    const res = await gradeOne(spec, path.join(FIXTURES, 'read-file'), { sandbox, clock: 'virtual' });
    expect(renderSummaryLine(res)).toMatch(/real clock: real I\/O was pending/);
  });

  test('an http server on 127.0.0.1: real time, and it says so', async () => {
    const r = await run('http-server');
    expect(r.clock).toBe('real');
    expect(r.clockFallback).toMatch(/real I\/O was pending \(a server/);
    expect(r.trace.map((l) => l.text)).toEqual(['got hello', 'closing']);
    // Real time after the fallback: the 300 ms timer lands near 300 ms; the parent stamps the
    // records when it reads them, a little late on a busy machine (289.7 ms seen in CI's load).
    expect(r.trace[1]!.tMs).toBeGreaterThanOrEqual(250);
  });

  test('a busy-wait on Date.now ends: the clock creeps with the real time it burns', async () => {
    const r = await runSubmission({ submission: path.join(LESSON, 'busy-wait'), settings: settings({ limits: { wallMs: 5000 } }), sandbox });
    expect(r.clock).toBe('virtual');
    expect(r.trace.map((l) => l.text)).toEqual(['start', 'timeout 500', 'end', 'promise', 'timeout 0']);
    const [start, half] = [r.trace[0]!.tMs, r.trace[1]!.tMs];
    expect(start).toBe(0);
    expect(half).toBeGreaterThanOrEqual(495);
    expect(half).toBeLessThan(2000);
  });

  test("a busy-wait inside a timer's callback ends too, and holds back the next timer", async () => {
    const r = await run('busy-in-timer');
    expect(r.clock).toBe('virtual');
    expect(r.end).toBe('exited');
    expect(r.trace.map((l) => l.text)).toEqual(['start', 'spun', 'after 200']);
    // The spin starts at 100 ms and lasts at least 300 ms of crept time; the 200 ms timer waits.
    expect(r.trace[1]!.tMs).toBeGreaterThanOrEqual(400);
    expect(r.trace[2]!.tMs).toBeGreaterThanOrEqual(r.trace[1]!.tMs);
  });

  test('a forged record on the channel fd: trace tampered', async () => {
    const r = await run('forge-record');
    expect(r.tampered).toMatch(/not signed with the run's key/);
    expect(rows(r)).toEqual([[0, 'start'], [100, 'after 100']]);
  });

  test('a timer past the wall-time limit: a timeout at the limit, at once', async () => {
    const r = await run('sleep-an-hour', { limits: { wallMs: 3000 } });
    expect(r.end).toBe('timeout');
    expect(r.timedOut).toBe(true);
    expect(r.wallMs).toBe(3000);
    expect(r.realWallMs).toBeLessThan(3000);
    expect(rows(r)).toEqual([[0, 'start']]);
  });
});
