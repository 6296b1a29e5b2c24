/** The parent's side of the channel as pure functions: authentication, cross-checking, merging. */

import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChannelReader,
  LINE_WAIT_MS,
  ParentClock,
  instrumentPython,
  mergeChannel,
  parseChannel,
  runtimePythonDir,
  wantsInstrumentation,
} from '../src/run/instrument/index.js';
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

/** A fake parent clock: stamps by line text (virtual ms), the time at the end, whether it hit the wall. */
function fakeClock(stamps: Record<string, number>, endMs: number, hitWall = false) {
  return { stampOf: (l: TraceLine) => (stamps[l.text] !== undefined ? stamps[l.text]! * 1000 : undefined), current: () => endMs * 1000, hitWall, fellBack: false };
}
const end = (v: number, extra: Record<string, unknown> = {}) => rec({ k: 'end', reason: 'exit', v, r: 0, ...extra });

describe('parseChannel', () => {
  test('accepts signed records numbered 0, 1, 2 …; every bad signature, garbage line or replay is a problem', () => {
    const good = hello() + line('a', 0);
    const forged = rec({ k: 'line', s: 'stdout', x: 'b', v: 1, r: 0 }, 'wrong-key');
    const replay = line('a', 0, {}).replace(/"n":\d+/, '"n":1');
    const garbage = 'not a record\n';
    const later = line('c', 2);
    const p = parseChannel(Buffer.from(good + forged + replay + garbage + later), KEY);
    expect(p.records.map((r) => r.k + (r.x ?? ''))).toEqual(['hello', 'linea', 'linec']);
    expect(p.problems).toHaveLength(4);
    expect(p.problems.join('; ')).toMatch(/not signed with the run's key/);
  });

  test('a validly signed record numbered out of order is a problem (a gap in the numbering)', () => {
    const p = parseChannel(Buffer.from(hello() + line('a', 0) + rec({ k: 'line', s: 'stdout', x: 'x', v: 1, r: 0 }, KEY, 5)), KEY);
    expect(p.records.length).toBe(3);
    expect(p.problems).toEqual(['side-channel records are numbered 1 then 5']);
  });

  test('a record cut in the middle is a problem unless the child was killed', () => {
    const r = new ChannelReader(KEY);
    r.push(Buffer.from(hello() + '{"k":"li'));
    r.end(true);
    expect(r.problems).toEqual([]);
    n = 0;
    const r2 = new ChannelReader(KEY);
    r2.push(Buffer.from(hello() + '{"k":"li'));
    r2.end(false);
    expect(r2.problems).toEqual(['the side channel ended in the middle of a record']);
  });
});

describe('mergeChannel', () => {
  test("virtual clock: lines take the PARENT's stamps, arrival times move to realMs, records only attribute", () => {
    const chan = hello() + line('start', 0, { task: 2, coro: 'fetch_data', th: 0 }) + line('done', 0, { task: 2, coro: 'fetch_data', th: 0 }) + end(0);
    const out = mergeChannel(run([[40, 'start'], [41, 'done']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, clock: fakeClock({ start: 0, done: 2000 }, 2500) });
    expect(out.clock).toBe('virtual');
    expect(out.tampered).toBeUndefined();
    expect(out.trace.map((l) => [l.tMs, l.text, l.realMs, l.task, l.coro, l.thread])).toEqual([
      [0, 'start', 40, 2, 'fetch_data', 0],
      [2000, 'done', 41, 2, 'fetch_data', 0],
    ]);
    expect(out.wallMs).toBe(2500);
  });

  test('a line printed behind the tracer (os.write) keeps its parent stamp and gets no attribution', () => {
    const chan = hello() + line('start', 0, { task: 1, th: 0 }) + end(0);
    const out = mergeChannel(run([[40, 'start'], [41, 'raw']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, clock: fakeClock({ start: 0, raw: 1000 }, 1000) });
    expect(out.trace[1]).toMatchObject({ tMs: 1000, text: 'raw' });
    expect(out.trace[1]!.task).toBeUndefined();
    expect(out.tampered).toBeUndefined();
  });

  test('a line record for a line the parent never captured (or out of order) makes the run tampered', () => {
    const chan = hello() + line('b', 0) + line('a', 0) + end(0);
    const out = mergeChannel(run([[40, 'a'], [41, 'b']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, clock: fakeClock({ a: 0, b: 0 }, 0) });
    expect(out.tampered).toMatch(/the tracer reported the stdout line "a", which the parent did not capture there/);
    const forged = hello() + line('8', 0, { task: 3 }) + end(0);
    expect(mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(forged), KEY), OPTS).tampered).toMatch(/"8"/);
  });

  test("the coroutines a line's coroutine runs inside (outer) are kept as strings, only beside a coro", () => {
    const chan = hello() + line('a', 0, { task: 1, coro: 'say', outer: ['main', 7, '', 'fetch_data'], th: 0 }) + line('b', 0, { task: 1, outer: ['main'], th: 0 }) + line('c', 0, { coro: 'x', outer: 'main' }) + end(0);
    const out = mergeChannel(run([[40, 'a'], [41, 'b'], [42, 'c']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, virtual: false });
    expect(out.trace.map((l) => l.outer)).toEqual([['main', 'fetch_data'], undefined, undefined]);
  });

  test('a thread is not a task: a line attributed to thread n >= 1 loses any task claim', () => {
    const chan = hello() + line('x', 0, { task: 1, th: 2 }) + end(0);
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, virtual: false });
    expect(out.trace[0]).toMatchObject({ thread: 2 });
    expect(out.trace[0]!.task).toBeUndefined();
  });

  test("a missing end record after a normal exit is tampering; after a kill it is not", () => {
    const chan = hello() + line('x', 0);
    expect(mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(chan), KEY), OPTS).tampered).toMatch(/end record is missing/);
    const killed = mergeChannel(run([[40, 'x']], { end: 'signalled', signal: 'SIGKILL', exitCode: null }), parseChannel(Buffer.from(chan), KEY), OPTS);
    expect(killed.tampered).toBeUndefined();
  });

  test('more threads in /proc than the tracer reported is tampering; the observation is kept either way', () => {
    const act = { asyncio: true, loopRan: true, threads: 0, threadNames: [], sleeps: 0, sleptUs: 0, started: 0, most: 0, helpers: 0 };
    const chan = hello() + line('x', 0) + end(0, { act });
    const observer = { result: () => ({ threads: 2, processes: 1, source: 'test' }) };
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, virtual: false, observer });
    expect(out.observed).toEqual({ threads: 2, processes: 1, source: 'test' });
    expect(out.tampered).toMatch(/parent saw 2 threads besides the main one in \/proc; the tracer reported 0/);
    n = 0;
    const honest = hello() + line('x', 0) + end(0, { act: { ...act, started: 2 } });
    expect(mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(honest), KEY), { ...OPTS, virtual: false, observer }).tampered).toBeUndefined();
  });

  test("threads announced as they start count too: a run without an end record, or an end record that lowers the count, is caught", () => {
    const observer = { result: () => ({ threads: 2, processes: 1, source: 'test' }) };
    const thread = (k: number) => rec({ k: 'thread', n: k, v: 0, r: 0 });
    const killed = run([[40, 'x']], { end: 'signalled', signal: 'SIGKILL', exitCode: null });
    const none = hello() + line('x', 0);
    expect(mergeChannel(killed, parseChannel(Buffer.from(none), KEY), { ...OPTS, virtual: false, observer }).tampered).toMatch(/parent saw 2 threads .*reported 0/);
    n = 0;
    const announced = hello() + thread(1) + thread(2) + line('x', 0);
    expect(mergeChannel(killed, parseChannel(Buffer.from(announced), KEY), { ...OPTS, virtual: false, observer }).tampered).toBeUndefined();
    n = 0;
    const act = { asyncio: true, loopRan: true, threads: 0, threadNames: [], sleeps: 0, sleptUs: 0, started: 0, most: 0, helpers: 0 };
    const lowered = hello() + thread(1) + thread(2) + line('x', 0) + end(0, { act });
    expect(mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(lowered), KEY), { ...OPTS, virtual: false, observer }).tampered).toMatch(/end record counts 0 threads, but 2 were announced/);
  });

  test('a deadlock ends the run as the real clock would have: stopped at the wall-time limit', () => {
    const chan = hello() + line('waiting', 0) + rec({ k: 'end', reason: 'deadlock', detail: 'deadlock at 1.000 s (virtual): …; waiting: Task-1 main()', v: 1_000_000, r: 0 });
    const out = mergeChannel(run([[40, 'waiting']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, clock: fakeClock({ waiting: 0 }, 1000) });
    expect(out).toMatchObject({ end: 'deadlock', timedOut: true, exitCode: null, wallMs: 10_000 });
    expect(out.endDetail).toMatch(/^deadlock at 1\.000 s .*would hang until the 10 s wall-time limit$/);
  });

  test("killed by the parent's real-time timer with no output: the run time is the limit, not the virtual 0 (issue 14)", () => {
    const timedOut = run([], { timedOut: true, exitCode: null, signal: 'SIGTERM', end: 'timeout', wallMs: 9_600, endDetail: 'killed after the 10 s wall-time limit; raise it with run.limits.wall' });
    const out = mergeChannel(timedOut, parseChannel(Buffer.from(hello()), KEY), { ...OPTS, clock: fakeClock({}, 0) });
    expect(out).toMatchObject({ clock: 'virtual', end: 'timeout', timedOut: true, wallMs: 10_000, realWallMs: 9_600 });
    expect(out.endDetail).toBe(
      'killed after the 10 s wall-time limit (virtual time stood at 0 s: the program computed or blocked without waiting, so in real time too it would have run into the limit); raise it with run.limits.wall',
    );
    // Killed by a signal before any line: the virtual time reached (0) is its length; the real one is kept apart.
    n = 0;
    const killed = mergeChannel(run([], { exitCode: null, signal: 'SIGKILL', end: 'signalled', wallMs: 5 }), parseChannel(Buffer.from(hello()), KEY), { ...OPTS, clock: fakeClock({}, 0) });
    expect(killed).toMatchObject({ clock: 'virtual', wallMs: 0, realWallMs: 5 });
    // Stopped before the instrumentation started: real times, and said so (not "the run used real time").
    const early = mergeChannel(run([], { timedOut: true, exitCode: null, signal: 'SIGTERM', end: 'timeout', wallMs: 190 }), parseChannel(Buffer.alloc(0), KEY), OPTS);
    expect(early).toMatchObject({ clock: 'real', wallMs: 190 });
    expect(early.clockFallback).toMatch(/stopped during start-up, before the in-process instrumentation started/);
  });

  test("virtual time at the wall limit is the parent's call: a timeout whatever the child says", () => {
    const chan = hello() + line('x', 0) + end(0);
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, clock: fakeClock({ x: 0 }, 10_000, true) });
    expect(out).toMatchObject({ end: 'timeout', timedOut: true, wallMs: 10_000 });
  });

  test("the end record's activity summary is kept when well-formed, validated field by field, dropped otherwise", () => {
    const act = { asyncio: false, loopRan: false, threads: 2, threadNames: ['fetch_data', 7, 'x'.repeat(100)], sleeps: 12, sleptUs: 4_600_000 };
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(hello() + line('x', 0) + end(1, { act })), KEY), OPTS);
    expect(out.activity).toEqual({ asyncio: false, loopRan: false, threads: 2, threadNames: ['fetch_data', 'x'.repeat(60)], sleeps: 12, sleptMs: 4600 });
    for (const bad of [{ ...act, threads: -1 }, { ...act, sleeps: 'many' }, { ...act, asyncio: 1 }, 'act']) {
      n = 0;
      const o = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(hello() + end(1, { act: bad })), KEY), OPTS);
      expect(o.activity).toBeUndefined();
    }
  });

  test('no channel at all: the run is marked as having fallen back to real time', () => {
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.alloc(0), KEY), OPTS);
    expect(out.clock).toBe('real');
    expect(out.clockFallback).toMatch(/did not start/);
    expect(out.trace[0]!.tMs).toBe(40);
  });

  test('a fallback says why', () => {
    const chan = hello() + line('x', 5) + rec({ k: 'fallback', why: 'the event loop is uvloop.Loop … real time', v: 5, r: 0 }) + end(5);
    const out = mergeChannel(run([[40, 'x']]), parseChannel(Buffer.from(chan), KEY), OPTS);
    expect(out.clock).toBe('real');
    expect(out.clockFallback).toMatch(/uvloop/);
  });

  test('real clock: lines keep parent times, task events are shifted onto the parent timeline', () => {
    const chan = hello('real') + line('a', 1_000, { task: 1 }) + rec({ k: 'task', e: 'done', id: 1, v: 2_000, r: 2_000 }) + end(3_000);
    const out = mergeChannel(run([[31, 'a']]), parseChannel(Buffer.from(chan), KEY), { ...OPTS, virtual: false });
    expect(out.trace[0]).toMatchObject({ tMs: 31, task: 1 });
    expect(out.trace[0]!.realMs).toBeUndefined();
    expect(out.tasks![0]!.tMs).toBe(32); // 2 ms child time + (31 − 1) offset
    expect(out.clock).toBe('real');
    expect(out.clockFallback).toBeUndefined();
  });
});

describe('ParentClock', () => {
  test('grants a jump only once the lines the child wrote have arrived; never backwards, never past the wall', async () => {
    const capture = { newlines: { stdout: 0, stderr: 0 }, open: () => true };
    const c = new ParentClock(3_000_000, capture);
    const l0: TraceLine = { tMs: 1, stream: 'stdout', text: 'a' };
    c.lineArrived(l0);
    let granted: number | null = null;
    const p = c.jump(2_000_000, { stdout: 1, stderr: 0 }).then((g) => (granted = g));
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBeNull(); // the child's line is not here yet
    const l1: TraceLine = { tMs: 2, stream: 'stdout', text: 'b' };
    capture.newlines.stdout = 1;
    c.lineArrived(l1);
    await p;
    expect(granted).toBe(2_000_000);
    expect(c.stampOf(l0)).toBe(0);
    expect(c.stampOf(l1)).toBe(0); // arrived before the grant: the time it was printed
    expect(await c.jump(1_000_000, { stdout: 0, stderr: 0 })).toBe(2_000_000);
    expect(await c.jump(9_000_000, { stdout: 0, stderr: 0 })).toBe(3_000_000);
    expect(c.hitWall).toBe(true);
  });

  // Real sockets, so Node's event loop decides, phase by phase, as it does for a run: the jump
  // is asked from an I/O callback (the channel's), and a line written just before, behind the
  // tracer (os.write(1, …)), is readable only after this turn's poll has returned.
  test('a line written behind the tracer just before the jump request keeps the time before the jump', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tg-clock-'));
    const pair = async (name: string) => {
      const server = net.createServer();
      const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
      await new Promise<void>((r) => server.listen(path.join(dir, name), r));
      const client = net.connect(path.join(dir, name));
      await new Promise((r) => client.once('connect', r));
      return { server, write: client, read: await accepted };
    };
    const channel = await pair('channel');
    const stdout = await pair('stdout');
    try {
      const capture = { newlines: { stdout: 0, stderr: 0 }, open: () => true };
      const c = new ParentClock(3_000_000, capture);
      const line: TraceLine = { tMs: 0, stream: 'stdout', text: 'done fetching' };
      stdout.read.on('data', () => c.lineArrived(line));
      const granted = new Promise<number>((resolve) =>
        channel.read.once('data', () => {
          stdout.write.write('done fetching\n'); // in the kernel now; this turn's poll is over
          resolve(c.jump(500_000, { stdout: 0, stderr: 0 }));
        }),
      );
      channel.write.write('jump\n');
      expect(await granted).toBe(500_000);
      expect(c.stampOf(line)).toBe(0);
    } finally {
      for (const p of [channel, stdout]) {
        p.write.destroy();
        p.read.destroy();
        p.server.close();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a child claiming lines it never wrote only waits (bounded), it does not hang the parent', async () => {
    const c = new ParentClock(3_000_000, { newlines: { stdout: 0, stderr: 0 }, open: (s) => s === 'stdout' });
    const t0 = performance.now();
    expect(await c.jump(1000, { stdout: 5, stderr: 99 })).toBe(1000);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LINE_WAIT_MS - 5);
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
    const bytes = Buffer.from(hello() + line('héllo', 0, { coro: 'main' }) + end(0));
    for (let k = 0; k < bytes.length; k += 7) i.onChannelData(bytes.subarray(k, k + 7));
    const out = i.finish(run([[12, 'héllo']]));
    expect(out.trace[0]!.coro).toBe('main');
    expect(out.tampered).toBeUndefined();
  });
});
