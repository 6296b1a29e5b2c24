/**
 * The witness's judgement of a line record against the writer's stack, with the stack given
 * (a stand-in reader): which claims are contradicted, which lines count for nobody.
 */

import type { PyFrame, PyStackReader, PyThreadStack } from '../pystack/index.js';
import { blockEvents, stepOf } from './loop-blocks.js';
import type { ChannelRecord } from './types.js';
import { Witness } from './witness.js';

const AIO = '/py/lib/asyncio/';
const TG = '/rt/_tracegrade/';
const ROOTS = ['/py/', TG];
let addr = 0x1000;
const fr = (name: string, file: string, flags = 0): PyFrame => ({ name, file, flags, firstLine: 1, code: `0x${(addr++).toString(16)}` });
const WAIT = fr('_await_reply', `${TG}channel.py`);
const tail = [fr('request', `${TG}channel.py`), fr('line', `${TG}state.py`), fr('write', `${TG}linetap.py`)];
const loop = [fr('_run', `${TG}loop.py`), fr('_run', `${AIO}events.py`), fr('_run_once', `${AIO}base_events.py`), fr('run_forever', `${AIO}base_events.py`), fr('<module>', '/work/main.py')];
const coro = (name: string) => fr(name, '/work/main.py', 0x80);

function witnessOf(frames: PyFrame[], main = true, lines = ['0']) {
  const thread: PyThreadStack = { threadId: '7', main, frames };
  const reader: PyStackReader = { version: '3.11', threads: () => [{ threadId: '7', main: true, frames: [WAIT, fr('<module>', `${TG}boot.py`)] }], close() {} };
  const capture = { lines: lines.map((text) => ({ tMs: 0, stream: 'stdout' as const, text })), open: () => true };
  const w = new Witness(() => reader, () => 1, capture);
  return {
    w,
    async hello() {
      await w.onHello({ n: 0, k: 'hello', v: 0, r: 0, w: 1, wc: WAIT.code, roots: ROOTS, aio: AIO, tg: TG });
      reader.threads = () => [thread];
    },
  };
}

const line = (x: string, extra: Partial<ChannelRecord>): ChannelRecord => ({ n: 1, k: 'line', v: 0, r: 0, s: 'stdout', x, th: 0, w: 1, tid: 7, ...extra });

test('a coroutine on the stack inside an event-loop step: the claim stands', async () => {
  const t = witnessOf([WAIT, ...tail, coro('print_numbers'), ...loop]);
  await t.hello();
  await t.w.onLine(line('0', { task: 3, coro: 'print_numbers' }));
  const o = t.w.outcome();
  expect([o.problems, o.stripped.size, o.lines]).toEqual([[], 0, 1]);
});

test('a claimed coroutine the stack does not hold is tampering', async () => {
  const t = witnessOf([WAIT, ...tail, fr('<module>', '/work/main.py')]);
  await t.hello();
  await t.w.onLine(line('0', { task: 3, coro: 'print_numbers' }));
  expect(t.w.outcome().problems[0]).toMatch(/"0" was reported as printed by print_numbers, but the parent saw no coroutine/);
});

test('helpers count: the claimed chain must be the stack\'s coroutines, outermost first', async () => {
  const t = witnessOf([WAIT, ...tail, coro('helper'), coro('print_numbers'), ...loop]);
  await t.hello();
  await t.w.onLine(line('0', { coro: 'print_numbers', outer: ['helper'] }));
  expect(t.w.outcome().problems[0]).toMatch(/printed by helper → print_numbers, but the parent saw print_numbers → helper/);
});

test('a coroutine stepped by hand (no event loop below it) prints for nobody, without tampering', async () => {
  const t = witnessOf([WAIT, ...tail, coro('print_numbers'), fr('driver', '/work/main.py'), fr('<module>', '/work/main.py')]);
  await t.hello();
  await t.w.onLine(line('0', { coro: 'print_numbers' }));
  const o = t.w.outcome();
  expect(o.problems).toEqual([]);
  expect([...o.stripped]).toEqual([[1, 'print_numbers']]);
});

test('the main-thread claim must match the thread that waits', async () => {
  const t = witnessOf([WAIT, ...tail, coro('print_numbers'), ...loop], false);
  await t.hello();
  await t.w.onLine(line('0', { coro: 'print_numbers', th: 0 }));
  expect(t.w.outcome().problems[0]).toMatch(/reported from the main thread, but the parent saw it written by another thread/);
});

test('a record that comes before its line is tampering', async () => {
  const t = witnessOf([WAIT, ...tail, coro('print_numbers'), ...loop], true, []);
  await t.hello();
  await t.w.onLine(line('0', { coro: 'print_numbers' }));
  expect(t.w.outcome().problems[0]).toMatch(/"0" was reported as printed before it was/);
});

test('stepOf: the program\'s code above _run_once is a step; the selector\'s own frames are not', () => {
  expect(stepOf([WAIT, ...tail, fr('sleep', `${TG}timefns.py`), coro('print_numbers'), ...loop], AIO, ROOTS)?.name).toBe('print_numbers');
  expect(stepOf([fr('select', `${AIO}selector_events.py`), ...loop], AIO, ROOTS)).toBeNull();
  expect(stepOf([fr('sleeper', '/work/main.py'), fr('<module>', '/work/main.py')], AIO, ROOTS)).toBeNull();
});

test('blockEvents: a parent-seen block the tracer\'s reports already tile is not added twice', () => {
  const claimed = [0, 250, 500, 750].map((t) => ({ tMs: t, kind: 'blocking' as const, task: 3, durationMs: 250 }));
  expect(blockEvents([{ atMs: 0, durationMs: 990, name: 'print_numbers', how: 'waited' }], claimed)).toEqual([]);
  const added = blockEvents([{ atMs: 0, durationMs: 990, name: 'print_numbers', how: 'waited' }], []);
  expect(added).toHaveLength(1);
  expect(added[0]!.detail).toMatch(/print_numbers\(\) waited 990 ms inside a task step/);
});
