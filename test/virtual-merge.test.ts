/** The parent's side of the channel as pure functions: authentication, cross-checking, merging. */

import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { instrumentPython, mergeChannel, parseChannel, runtimePythonDir, wantsInstrumentation } from '../src/run/instrument.js';
import type { RunRecord, TraceLine } from '../src/trace/types.js';
import { settings } from './virtual-helpers.js';

const KEY = 'k3y';
let n = 0;
function rec(fields: Record<string, unknown>, key = KEY, num = n++): string {
  const body = JSON.stringify({ ...fields, n: num });
  const sig = createHmac('sha256', key).update(body).digest('hex').slice(0, 32);
  return `${body}\t${sig}\n`;
}
const hello = (clock = 'virtual') => rec({ k: 'hello', clock, v: 0, r: 10 });
const line = (x: string, v: number, extra: Record<string, unknown> = {}) => rec({ k: 'line', s: 'stdout', x, v, r: v / 100, ...extra });

function run(lines: [number, string][], over: Partial<RunRecord> = {}): RunRecord {
  const trace: TraceLine[] = lines.map(([tMs, text]) => ({ tMs, text, stream: 'stdout' }));
  return { exitCode: 0, signal: null, timedOut: false, truncated: false, end: 'exited', wallMs: 120, clock: 'real', sandbox: { level: 'none' }, trace, ...over };
}
const OPTS = { virtual: true, wallMs: 10_000, traceTasks: true };

beforeEach(() => {
  n = 0;
});

describe('parseChannel', () => {
  test('accepts signed records in increasing order; rejects bad signatures, garbage and replays', () => {
    const good = hello() + line('a', 0);
    const forged = rec({ k: 'line', s: 'stdout', x: 'b', v: 5, r: 0 }, 'wrong-key', 50);
    const replay = line('a', 0, {}).replace('"n":2', '"n":1'); // signature no longer matches
    const garbage = 'not json at all\n{"k":"line"}\tabc\n';
    const later = line('c', 250_000);
    const p = parseChannel(Buffer.from(good + forged + replay + garbage + later), KEY);
    expect(p.records.map((r) => r.k + (r.x ?? ''))).toEqual(['hello', 'linea', 'linec']);
    expect(p.rejected).toBe(4);
  });

  test('a validly signed record numbered out of order is ignored', () => {
    const p = parseChannel(Buffer.from(hello() + line('a', 0) + rec({ k: 'line', s: 'stdout', x: 'x', v: 1, r: 0 }, KEY, 1)), KEY);
    expect(p.records.length).toBe(2);
    expect(p.rejected).toBe(1);
  });
});

describe('mergeChannel', () => {
  test('virtual clock: matched lines take virtual times, arrival times move to realMs, tasks are attached', () => {
    const chan = hello() + line('start', 0, { task: 2 }) + line('done', 2_000_000, { task: 2 }) + rec({ k: 'task', e: 'created', id: 2, name: 'fetch_data', via: 'create_task', by: 1, v: 0, r: 0 }) + rec({ k: 'end', reason: 'exit', v: 2_500_000, r: 0 });
    const out = mergeChannel(run([[40, 'start'], [41, 'done']]), parseChannel(Buffer.from(chan), KEY), OPTS);
    expect(out.clock).toBe('virtual');
    expect(out.trace.map((l) => [l.tMs, l.text, l.realMs, l.task])).toEqual([
      [0, 'start', 40, 2],
      [2000, 'done', 41, 2],
    ]);
    expect(out.wallMs).toBe(2500);
    expect(out.realWallMs).toBe(120);
    expect(out.tasks).toEqual([{ tMs: 0, kind: 'created', task: 2, name: 'fetch_data', via: 'create_task', by: 1 }]);
  });

  test('claims that disagree with the captured output are ignored, and time never goes backwards', () => {
    const chan =
      hello() +
      line('start', 0) +
      line('never printed', 1_000_000) + // no such line in stdout
      line('done', 2_000_000) +
      line('late', 500_000) + // earlier than the previous line: ignored
      line('end', 2_500_000);
    const out = mergeChannel(run([[40, 'start'], [41, 'done'], [42, 'late'], [43, 'end']]), parseChannel(Buffer.from(chan), KEY), OPTS);
    // "late" is unmatched: it keeps the time of the line before it.
    expect(out.trace.map((l) => [l.text, l.tMs])).toEqual([
      ['start', 0],
      ['done', 2000],
      ['late', 2000],
      ['end', 2500],
    ]);
  });

  test('a record cannot claim a line out of order', () => {
    // The child "says" b came first; the parent saw a, b. Only what fits the order is used.
    const chan = hello() + line('b', 1_000_000) + line('a', 2_000_000);
    const out = mergeChannel(run([[40, 'a'], [41, 'b']]), parseChannel(Buffer.from(chan), KEY), OPTS);
    expect(out.trace.map((l) => [l.text, l.tMs])).toEqual([
      ['a', 0],
      ['b', 1000],
    ]);
  });

  test('a deadlock ends the run as the real clock would have: stopped at the wall-time limit', () => {
    const chan = hello() + line('waiting', 0) + rec({ k: 'end', reason: 'deadlock', detail: 'deadlock at 1.000 s (virtual): …; waiting: Task-1 main()', v: 1_000_000, r: 0 });
    const out = mergeChannel(run([[40, 'waiting']]), parseChannel(Buffer.from(chan), KEY), OPTS);
    expect(out).toMatchObject({ end: 'deadlock', timedOut: true, exitCode: null, wallMs: 10_000 });
    expect(out.endDetail).toMatch(/^deadlock at 1\.000 s .*would hang until the 10 s wall-time limit$/);
  });

  test("the end record's activity summary is kept when well-formed, validated field by field, dropped otherwise", () => {
    const act = { asyncio: false, loopRan: false, threads: 2, threadNames: ['fetch_data', 7, 'x'.repeat(100)], sleeps: 12, sleptUs: 4_600_000 };
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(hello() + line('x', 0) + rec({ k: 'end', reason: 'exit', act, v: 1, r: 0 })), KEY), OPTS);
    expect(out.activity).toEqual({ asyncio: false, loopRan: false, threads: 2, threadNames: ['fetch_data', 'x'.repeat(60)], sleeps: 12, sleptMs: 4600 });
    for (const bad of [{ ...act, threads: -1 }, { ...act, sleeps: 'many' }, { ...act, asyncio: 1 }, 'act']) {
      n = 0;
      const o = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(hello() + rec({ k: 'end', reason: 'exit', act: bad, v: 1, r: 0 })), KEY), OPTS);
      expect(o.activity).toBeUndefined();
    }
  });

  test('no channel at all: the run is marked as having fallen back to real time', () => {
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.alloc(0), KEY), OPTS);
    expect(out.clock).toBe('real');
    expect(out.clockFallback).toMatch(/did not start/);
    expect(out.trace[0]!.tMs).toBe(40);
  });

  test('a fallback keeps the real arrival times and says why', () => {
    const chan = hello() + line('x', 5) + rec({ k: 'fallback', why: 'the event loop is uvloop.Loop … real time', v: 5, r: 0 });
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(chan), KEY), OPTS);
    expect(out.clock).toBe('real');
    expect(out.clockFallback).toMatch(/uvloop/);
    expect(out.trace[0]!.tMs).toBe(40);
  });

  test('real clock: lines keep parent times, task events are shifted onto the parent timeline', () => {
    const chan = hello('real') + line('a', 1_000, { task: 1 }) + rec({ k: 'task', e: 'done', id: 1, v: 2_000, r: 2_000 });
    const out = mergeChannel(run([[31, 'a']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, virtual: false });
    expect(out.trace[0]).toMatchObject({ tMs: 31, task: 1 });
    expect(out.trace[0]!.realMs).toBeUndefined();
    expect(out.tasks![0]!.tMs).toBe(32); // 2 ms child time + (31 − 1) offset
    expect(out.clock).toBe('real');
    expect(out.clockFallback).toBeUndefined();
  });
});

describe('instrumentPython', () => {
  test('asks for nothing on a plain real-clock run; instruments virtual runs, task checks and seeds', () => {
    expect(wantsInstrumentation(settings({ clock: 'real', traceTasks: false }))).toBe(false);
    // Uninstrumented real-clock runs still get the start marker (times count from the program's start).
    const marker = instrumentPython(settings({ clock: 'real', traceTasks: false }))!;
    expect(marker.env.TRACEGRADE_CLOCK).toBe('start');
    expect(marker.wantsChannel).toBe(true);
    expect(instrumentPython(settings({ runtime: 'node', clock: 'real' }))).toBeNull();
    expect(wantsInstrumentation(settings({ clock: 'real', traceTasks: true }))).toBe(true);
    expect(wantsInstrumentation(settings({ clock: 'real', traceTasks: false, seed: 1 }))).toBe(true);
    expect(wantsInstrumentation(settings({ runtime: 'node' }))).toBe(false);
  });

  test('env, python path and channel', () => {
    const i = instrumentPython(settings({ seed: 42, limits: { wallMs: 5000 } }), { key: 'abc' })!;
    expect(i.env).toEqual({ TRACEGRADE_CLOCK: 'virtual', TRACEGRADE_CHANNEL_FD: '3', TRACEGRADE_KEY: 'abc', TRACEGRADE_WALL_MS: '5000', TRACEGRADE_SEED: '42', PYTHONHASHSEED: '42' });
    expect(i.wantsChannel).toBe(true);
    expect(i.pythonPath).toEqual([runtimePythonDir()]);
    expect(path.isAbsolute(runtimePythonDir())).toBe(true);
    expect(existsSync(path.join(runtimePythonDir(), 'sitecustomize.py'))).toBe(true);
    // The limit in force (CLI override, time scale) wins over the spec's.
    expect(instrumentPython(settings({ limits: { wallMs: 5000 } }), { wallMs: 20_000 })!.env.TRACEGRADE_WALL_MS).toBe('20000');
  });

  test('finish() reads what onChannelData was given, split at any byte', () => {
    const i = instrumentPython(settings(), { key: KEY })!;
    const bytes = Buffer.from(hello() + line('héllo', 750_000));
    for (let k = 0; k < bytes.length; k += 7) i.onChannelData(bytes.subarray(k, k + 7));
    const out = i.finish(run([[12, 'héllo']]));
    expect(out.trace[0]!.tMs).toBe(750);
  });
});
