/**
 * The structure rules on traces shaped like the Node tracer's (runtime/node/structure): every
 * async function call is a task created 'call' by its caller, whose first step runs inside the
 * caller's step; the caller resumes when the call reaches its first await. Synthetic events,
 * as the tracer sends them for the lesson's programs; the same verdict at any speed.
 */

import type { TaskRule } from '../../spec/types.js';
import { evaluateTaskRule } from './index.js';
import { program, type Row } from './testkit.js';

const OVERLAP: TaskRule = { kind: 'overlap', names: ['fetchData', 'printNumbers'] };
const CONCURRENT: TaskRule = { kind: 'concurrent', atLeast: 2 };
const BLOCKING: TaskRule = { kind: 'max_blocking', ms: 200 };

const call = (id: number, name: string, by?: number): Row => ['created', id, name, { via: 'call', detail: name, ...(by ? { by } : { by: undefined }) }];

function both(rows: Row[], rule: TaskRule): { status: string; message: string } {
  const spread = evaluateTaskRule('x', rule, program(rows, 10));
  const instant = evaluateTaskRule('x', rule, program(rows, 0));
  expect(instant.status).toBe(spread.status);
  return spread;
}

/** main calls fetchData and printNumbers, then awaits the fetch, then the counting. */
function reference(): Row[] {
  const rows: Row[] = [
    call(1, 'main'), ['started', 1],
    call(2, 'fetchData', 1), ['started', 2], ['print', 2, 'fetchData', 'start fetching'], ['suspended', 2], ['resumed', 1],
    call(3, 'printNumbers', 1), ['started', 3], ['print', 3, 'printNumbers', '0'], ['suspended', 3], ['resumed', 1],
    ['awaited', 2, 1], ['suspended', 1],
  ];
  for (let i = 1; i < 8; i++) rows.push(['resumed', 3], ['print', 3, 'printNumbers', String(i)], ['suspended', 3]);
  rows.push(['resumed', 2], ['print', 2, 'fetchData', 'done fetching'], ['done', 2]);
  rows.push(['resumed', 1], ['print', 1, 'main', '{ data: 1 }'], ['awaited', 3, 1], ['suspended', 1]);
  rows.push(['resumed', 3], ['print', 3, 'printNumbers', '8'], ['suspended', 3], ['resumed', 3], ['print', 3, 'printNumbers', '9'], ['suspended', 3]);
  rows.push(['resumed', 3], ['done', 3], ['resumed', 1], ['done', 1]);
  return rows;
}

/** `await fetchData()` then `await printNumbers()`. */
function sequential(): Row[] {
  const rows: Row[] = [
    call(1, 'main'), ['started', 1],
    call(2, 'fetchData', 1), ['started', 2], ['print', 2, 'fetchData', 'start fetching'], ['suspended', 2], ['resumed', 1],
    ['awaited', 2, 1], ['suspended', 1],
    ['resumed', 2], ['print', 2, 'fetchData', 'done fetching'], ['done', 2],
    ['resumed', 1], ['print', 1, 'main', '{ data: 1 }'],
    call(3, 'printNumbers', 1), ['started', 3], ['print', 3, 'printNumbers', '0'], ['suspended', 3], ['resumed', 1], ['awaited', 3, 1], ['suspended', 1],
  ];
  for (let i = 1; i < 10; i++) rows.push(['resumed', 3], ['print', 3, 'printNumbers', String(i)], ['suspended', 3]);
  rows.push(['resumed', 3], ['done', 3], ['resumed', 1], ['done', 1]);
  return rows;
}

/** printNumbers never awaits: a 2.5 s loop on the clock inside its first step. */
function busyWait(): { rows: Row[]; site: string } {
  const rows: Row[] = [
    call(1, 'main'), ['started', 1],
    call(2, 'fetchData', 1), ['started', 2], ['print', 2, 'fetchData', 'start fetching'], ['suspended', 2], ['resumed', 1],
    call(3, 'printNumbers', 1), ['started', 3],
  ];
  for (let i = 0; i < 10; i++) rows.push(['print', 3, 'printNumbers', String(i)]);
  rows.push(['blocking', 3, 'printNumbers', 2500], ['done', 3], ['resumed', 1], ['awaited', 2, 1], ['suspended', 1]);
  rows.push(['resumed', 2], ['print', 2, 'fetchData', 'done fetching'], ['done', 2], ['resumed', 1], ['print', 1, 'main', '{ data: 1 }'], ['done', 1]);
  return { rows, site: 'main.js:8' };
}

/** The Node tracer's blocking record: the loop's site and what it was. */
function withSite(run: ReturnType<typeof program>, site: string): ReturnType<typeof program> {
  for (const e of run.tasks!) if (e.kind === 'blocking') Object.assign(e, { site, detail: 'a loop on the clock that never awaits' });
  return run;
}

test('the reference: the calls overlap and two are at work at once', () => {
  const o = both(reference(), OVERLAP);
  expect(o.status).toBe('passed');
  expect(o.message).toMatch(/^fetchData and printNumbers overlapped: printNumbers ran at .* while fetchData waited on an await/);
  const c = both(reference(), CONCURRENT);
  expect(c.status).toBe('passed');
  expect(c.message).toMatch(/^2 async calls were working at the same time/);
  expect(both(reference(), BLOCKING).status).toBe('passed');
});

test('sequential awaits: no overlap, no concurrency (main only hands over to the call it awaits), and the calls named', () => {
  for (const rule of [OVERLAP, CONCURRENT]) {
    const o = both(sequential(), rule);
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/`await fetchData\(\)` finished \(.*\) before `printNumbers\(\)` started \(.*\): call both first, then await them \(or await Promise\.all/);
    expect(o.message).not.toMatch(/asyncio|create_task/);
  }
  expect(both(sequential(), CONCURRENT).message).toMatch(/^expected at least 2 async calls working at the same time/);
});

test('a busy-wait: no overlap, the loop blocked, and the function, file:line and duration named', () => {
  const { rows, site } = busyWait();
  for (const ms of [10, 0]) {
    const run = withSite(program(rows, ms), site);
    const o = evaluateTaskRule('x', OVERLAP, run);
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/printNumbers blocked the event loop for 2\.50 s at main\.js:8 \(a loop on the clock that never awaits\): printNumbers never reached an await, so fetchData could not run meanwhile/);
    expect(o.message).not.toMatch(/asyncio|time\.sleep/);
    const b = evaluateTaskRule('x', BLOCKING, run);
    expect(b.status).toBe('failed');
    expect(b.message).toMatch(/^printNumbers blocked the event loop for 2\.50 s at main\.js:8 .*Wait with await on a promise/);
  }
});

test('a long callback outside any call (task 0) is named by what it was, not as a task', () => {
  const run = program([...reference(), ['blocking', 0, '', 400]]);
  const ev = run.tasks!.find((e) => e.kind === 'blocking')!;
  Object.assign(ev, { name: undefined, site: 'main.js:3', detail: 'a callback that never yields (a loop on the clock)' });
  const b = evaluateTaskRule('x', BLOCKING, run);
  expect(b.status).toBe('failed');
  expect(b.message).toMatch(/^a callback that never yields \(a loop on the clock\) blocked the event loop for 400 ms at main\.js:3/);
  expect(b.message).not.toMatch(/task 0/);
});

test('a call whose promise only the top level collects (by 0) was awaited; one nobody collects was not', () => {
  const rows: Row[] = [call(2, 'fetchData'), ['started', 2], ['suspended', 2], ['awaited', 2, 0], ['resumed', 2], ['done', 2]];
  const ok = evaluateTaskRule('x', { kind: 'awaited', name: 'fetchData' }, program(rows));
  expect([ok.status, ok.message]).toEqual(['passed', "fetchData was awaited by the program's top-level code (outside any async function)"]);
  const lost = evaluateTaskRule('x', { kind: 'awaited', name: 'fetchData' }, program(rows.filter((r) => r[0] !== 'awaited')));
  expect(lost.status).toBe('failed');
  expect(lost.message).toMatch(/^fetchData\(\) was called but nothing awaited the promise it returned: it finished/);
});

test("a Node program in which no call ran: Node's words and advice, not asyncio's", async () => {
  const { parseSpec } = await import('../../spec/load.js');
  const { evaluateChecks } = await import('../index.js');
  const { run, trace } = await import('../testkit.js');
  const spec = parseSpec('run: { runtime: node }\nchecks:\n  - { id: o, tasks: { overlap: [fetchData, printNumbers] } }\n', 'x.yaml').spec!;
  const lines = trace([[0, 'start fetching'], [250, '0'], [500, '1']]).map((l) => ({ ...l, thread: 0 }));
  const [o] = evaluateChecks(spec, { ...run(lines), tasks: [] });
  expect(o!.status).toBe('failed');
  expect(o!.message).toMatch(/no async function call ran: the program printed its lines from plain code and callbacks \(timers, \.then\), never from inside an async function/);
  expect(o!.message).not.toMatch(/asyncio|coroutine/);
});

test('a helper call that starves the timers (await in a loop on the clock) explains why its caller did not overlap', () => {
  const rows: Row[] = [
    call(1, 'main'), ['started', 1],
    call(2, 'fetchData', 1), ['started', 2], ['print', 2, 'fetchData', 'start fetching'], ['suspended', 2], ['resumed', 1],
    call(3, 'printNumbers', 1), ['started', 3], ['print', 3, 'printNumbers', '0'],
    call(4, 'spin', 3), ['started', 4], ['suspended', 4], ['resumed', 3], ['awaited', 4, 3], ['suspended', 3], ['resumed', 1], ['awaited', 2, 1], ['suspended', 1],
    ['blocking', 4, 'spin', 2500],
    ['resumed', 4], ['done', 4], ['resumed', 3], ['print', 3, 'printNumbers', '1'], ['done', 3],
    ['resumed', 2], ['print', 2, 'fetchData', 'done fetching'], ['done', 2], ['resumed', 1], ['done', 1],
  ];
  const run = program(rows);
  for (const e of run.tasks!) if (e.kind === 'blocking') Object.assign(e, { site: 'main.js:4', detail: 'a loop on the clock around an await: its promise callbacks never let a timer fire' });
  const o = evaluateTaskRule('x', OVERLAP, run);
  expect(o.status).toBe('failed');
  expect(o.message).toMatch(/spin blocked the event loop for 2\.50 s at main\.js:4 \(a loop on the clock around an await: its promise callbacks never let a timer fire\): printNumbers awaited only promises that were already settled, so no timer could fire and fetchData could not run meanwhile/);
});

test('max_blocking on a Node program of plain promises and timers (no async function): judged on its blocking, not failed for having no calls', async () => {
  const { parseSpec } = await import('../../spec/load.js');
  const { evaluateChecks } = await import('../index.js');
  const { run, trace } = await import('../testkit.js');
  const spec = parseSpec('run: { runtime: node }\nchecks:\n  - { id: b, tasks: { max_blocking: 200ms } }\n', 'x.yaml').spec!;
  const lines = trace([[0, 'start'], [300, 'c done'], [800, 'all done']]).map((l) => ({ ...l, thread: 0 }));
  const [calm] = evaluateChecks(spec, { ...run(lines), tasks: [] });
  expect(calm!.status).toBe('passed');
  const spin = { tMs: 10, kind: 'blocking' as const, task: 0, detail: 'a callback that never yields (a loop on the clock)', durationMs: 450, site: 'main.js:4' };
  const [blocked] = evaluateChecks(spec, { ...run(lines), tasks: [spin] });
  expect(blocked!.status).toBe('failed');
  expect(blocked!.message).toMatch(/^a callback that never yields \(a loop on the clock\) blocked the event loop for 450 ms at main\.js:4/);
  expect(blocked!.message).not.toMatch(/asyncio/); // Node's words even with no call in the model
});
