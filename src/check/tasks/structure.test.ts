/**
 * The structure checks' semantics (issue 10) on synthetic traces: overlap by the order of
 * events, for any hosting task, tied to who printed each line; the same verdict whatever the
 * milliseconds; explanations that name the actual cause.
 */

import type { TaskRule } from '../../spec/types.js';
import type { RunRecord } from '../../trace/types.js';
import { evaluateTaskRule } from './index.js';
import { lesson, program, type Row } from './testkit.js';

const OVERLAP: TaskRule = { kind: 'overlap', names: ['fetch_data', 'print_numbers'] };
const CONCURRENT: TaskRule = { kind: 'concurrent', atLeast: 2 };

/** Evaluate under spread-out times and under one instant: the verdict must not differ. */
function both(rows: Row[], rule: TaskRule, scale = 1): { status: string; message: string } {
  const spread = evaluateTaskRule('x', rule, program(rows, 10), scale);
  const instant = evaluateTaskRule('x', rule, program(rows, 0), scale);
  expect(instant.status).toBe(spread.status);
  return spread;
}

/** Rows without the coroutine-level events or line attribution an older tracer lacked. */
function oldTracer(rows: Row[]): Row[] {
  return rows.filter((r) => r[0] !== 'entered' && r[0] !== 'left');
}

test('the lesson program overlaps and is concurrent', () => {
  const o = both(lesson(), OVERLAP);
  expect(o.status).toBe('passed');
  expect(o.message).toMatch(/^fetch_data and print_numbers overlapped: print_numbers \(Task-3\) ran at .* while fetch_data \(Task-2\) waited on an await/);
  expect(both(lesson(), CONCURRENT).status).toBe('passed');
  expect(both(oldTracer(lesson()), OVERLAP).status).toBe('passed');
});

/** gather(fetch_and_report(), print_numbers()): fetch_data runs inside fetch_and_report's task. */
function gatherWrapped(): Row[] {
  return lesson().map((r): Row => {
    if (r[0] === 'created' && r[1] === 2) return ['created', 2, 'fetch_and_report', { via: 'gather' }];
    if (r[0] === 'entered' && r[1] === 2) return ['entered', 2, 'fetch_data'];
    return r;
  }).flatMap((r): Row[] => (r[0] === 'started' && r[1] === 2 ? [r, ['entered', 2, 'fetch_and_report']] : [r]));
}

test('a coroutine awaited inside gather\'s task overlaps (fetch_and_report awaits fetch_data)', () => {
  const o = both(gatherWrapped(), OVERLAP);
  expect(o.status).toBe('passed');
  expect(o.message).toMatch(/fetch_data \(in fetch_and_report \(Task-2\)\) waited on an await/);
});

test('the same program seen by an older tracer (fetch_data only known as awaited inside the task)', () => {
  const rows = oldTracer(gatherWrapped()).flatMap((r): Row[] => (r[0] === 'suspended' && r[1] === 2 ? [['awaited', 2, 2], r] : [r]));
  const run: RunRecord = program(rows);
  // The tracer's nested-coroutine record names the coroutine.
  for (const e of run.tasks!) if (e.kind === 'awaited' && e.by === e.task) e.name = 'fetch_data';
  for (const l of run.trace) delete l.coro;
  expect(evaluateTaskRule('x', OVERLAP, run).status).toBe('passed');
});

test('idle decoy coroutines while a thread prints: fails, and says a thread printed it', () => {
  const rows: Row[] = lesson().filter((r) => r[0] !== 'print');
  const withThreads: Row[] = [...rows.slice(0, 8), ['thread', 1, 'start fetching'], ...Array.from({ length: 10 }, (_, i): Row => ['thread', 2, String(i)]), ...rows.slice(8)];
  const o = both(withThreads, OVERLAP);
  expect(o.status).toBe('failed');
  expect(o.message).toMatch(/fetch_data \(Task-2\) ran but printed nothing itself: a thread printed it \(thread 1 printed 'start fetching' and thread 2 printed '0'…'9' \(10 lines\)\)/);
  expect(o.message).toMatch(/; print_numbers \(Task-3\) ran but printed nothing itself\.$/);
  expect(o.message.match(/thread 1 printed/g)).toHaveLength(1);
  expect(o.message).not.toMatch(/awaiting print_numbers\(\) directly/);
});

test('time.sleep(2) before any await in fetch_data: no overlap, whatever the CPU speed, and the cause named', () => {
  const rows: Row[] = [
    ['created', 1, 'main'], ['started', 1], ['created', 2, 'fetch_data'], ['created', 3, 'print_numbers'], ['awaited', 2, 1], ['suspended', 1],
    ['started', 2], ['entered', 2, 'fetch_data'], ['print', 2, 'fetch_data', 'start fetching'], ['blocking', 2, 'fetch_data', 2000],
    ['print', 2, 'fetch_data', 'done fetching'], ['left', 2, 'fetch_data'], ['done', 2],
    ['started', 3], ['entered', 3, 'print_numbers'], ['print', 3, 'print_numbers', '0'], ['suspended', 3], ['resumed', 3], ['left', 3, 'print_numbers'], ['done', 3],
  ];
  const o = both(rows, OVERLAP);
  expect(o.status).toBe('failed');
  expect(o.message).toMatch(/time\.sleep\(2\) in fetch_data at \d\.\d\d s blocked the loop for 2\.00 s: fetch_data never waited on an await, so print_numbers could not run meanwhile/);
  expect(o.message).not.toMatch(/one after another/);
  expect(both(rows, CONCURRENT).status).toBe('failed');
  expect(both(rows, { kind: 'max_blocking', ms: 200 }).status).toBe('failed');
});

test('main returns without awaiting its tasks: the same verdict at any speed, and it says main returned', () => {
  const rows: Row[] = [
    ['created', 1, 'main'], ['started', 1], ['created', 2, 'fetch_data'], ['created', 3, 'print_numbers'], ['done', 1],
    ['started', 2], ['started', 3], ['cancelled', 2], ['cancelled', 3],
  ];
  for (const rule of [OVERLAP, CONCURRENT]) {
    const o = both(rows, rule);
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/main returned before its tasks finished: at .* asyncio\.run cancelled fetch_data \(Task-2\) and print_numbers \(Task-3\)/);
    expect(o.message).not.toMatch(/one after another/);
  }
});

/**
 * notawaited.py: both tasks print once and suspend, main returns, and asyncio.run cancels them in
 * the order of a set of tasks (memory addresses): either order must give the same verdict.
 */
function startedThenCancelled(first: number, second: number): Row[] {
  const cancel = (t: number, name: string): Row[] => [['resumed', t], ['left', t, name], ['cancelled', t]];
  const names: Record<number, string> = { 2: 'fetch_data', 3: 'print_numbers' };
  return [
    ['created', 1, 'main'], ['started', 1], ['entered', 1, 'main'], ['created', 2, 'fetch_data'], ['created', 3, 'print_numbers'], ['suspended', 1],
    ['started', 2], ['entered', 2, 'fetch_data'], ['print', 2, 'fetch_data', 'start fetching'], ['suspended', 2],
    ['started', 3], ['entered', 3, 'print_numbers'], ['print', 3, 'print_numbers', '0'], ['suspended', 3],
    ['resumed', 1], ['left', 1, 'main'], ['done', 1],
    ...cancel(first, names[first]!), ...cancel(second, names[second]!),
  ];
}

test('tasks cancelled by asyncio.run after main returned: the cancellation order does not decide overlap', () => {
  for (const [a, b] of [[2, 3], [3, 2]] as const) {
    const o = both(startedThenCancelled(a, b), OVERLAP);
    expect({ order: [a, b], status: o.status }).toEqual({ order: [a, b], status: 'failed' });
    expect(o.message).toMatch(/main returned before its tasks finished: at .* asyncio\.run cancelled fetch_data \(Task-2\) and print_numbers \(Task-3\)/);
    // Both started and printed while the other was pending: that much concurrency is real.
    expect(both(startedThenCancelled(a, b), CONCURRENT).status).toBe('passed');
  }
});

test('awaited one after another inside main: says so, naming which finished before which started', () => {
  const rows: Row[] = [
    ['created', 1, 'main'], ['started', 1], ['entered', 1, 'main'], ['entered', 1, 'fetch_data'], ['print', 1, 'fetch_data', 'start fetching'], ['suspended', 1],
    ['resumed', 1], ['print', 1, 'fetch_data', 'done fetching'], ['left', 1, 'fetch_data'], ['entered', 1, 'print_numbers'], ['print', 1, 'print_numbers', '0'], ['suspended', 1],
    ['resumed', 1], ['left', 1, 'print_numbers'], ['left', 1, 'main'], ['done', 1],
  ];
  const o = both(rows, OVERLAP);
  expect(o.status).toBe('failed');
  expect(o.message).toMatch(/the tasks were awaited one after another: fetch_data finished \(.*\) before print_numbers started \(.*\), both inside main \(Task-1\)/);
});

test('two tasks awaited right after each is created: sequential, not concurrent', () => {
  const rows: Row[] = [
    ['created', 1, 'main'], ['started', 1], ['created', 2, 'fetch_data'], ['awaited', 2, 1], ['suspended', 1],
    ['started', 2], ['print', 2, 'fetch_data', 'start fetching'], ['suspended', 2], ['resumed', 2], ['done', 2],
    ['resumed', 1], ['created', 3, 'print_numbers'], ['awaited', 3, 1], ['suspended', 1],
    ['started', 3], ['print', 3, 'print_numbers', '0'], ['suspended', 3], ['resumed', 3], ['done', 3], ['resumed', 1], ['done', 1],
  ];
  const o = both(rows, OVERLAP);
  expect(o.status).toBe('failed');
  expect(o.message).toMatch(/the tasks were awaited one after another: fetch_data finished .* before print_numbers started/);
  const c = both(rows, CONCURRENT);
  expect(c.status).toBe('failed');
  expect(c.message).toMatch(/at most 1 was/);
});

test('a coroutine that never ran, with threads printing instead', () => {
  const rows: Row[] = [['created', 1, 'main'], ['started', 1], ['thread', 1, '0'], ['thread', 1, '9'], ['done', 1]];
  const o = evaluateTaskRule('x', OVERLAP, program(rows));
  expect(o.message).toMatch(/fetch_data never ran: a thread printed the output instead \(thread 1 printed '0'…'9' \(2 lines\)\)/);
});

test('max_blocking honours timing.scale', () => {
  const rows: Row[] = [['created', 1, 'main'], ['started', 1], ['blocking', 1, 'main', 250], ['done', 1]];
  expect(evaluateTaskRule('b', { kind: 'max_blocking', ms: 200 }, program(rows)).status).toBe('failed');
  expect(evaluateTaskRule('b', { kind: 'max_blocking', ms: 200 }, program(rows), 2).status).toBe('passed');
});
