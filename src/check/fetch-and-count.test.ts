/** The lesson's main program (specs/fetch-and-count.yaml, built by hand) against correct and typical wrong traces. */

import { evaluateChecks } from './evaluate.js';
import { doneAfterNineTrace, fetchAndCountSpec, fetchAndCountTrace, run, sequentialFetchTrace, trace } from './testkit.js';

const statusOf = (outs: ReturnType<typeof evaluateChecks>) => Object.fromEntries(outs.map((o) => [o.id, o.status]));
const byId = (outs: ReturnType<typeof evaluateChecks>, id: string) => outs.find((o) => o.id === id)!;

test('the correct program passes every check, with factual messages', () => {
  const outs = evaluateChecks(fetchAndCountSpec(), fetchAndCountTrace());
  expect(outs.every((o) => o.status === 'passed' && o.fraction === 1)).toBe(true);
  expect(byId(outs, 'done-around-eight').message).toBe(
    "'done fetching' at 2.00 s (trace line 10), between '7' (1.75 s, trace line 9) and '8' (2.00 s, trace line 12)",
  );
  expect(byId(outs, 'overlapping-runtime').message).toBe('the run took 2.50 s (expected between 2.2 s and 3.4 s)');
  expect(byId(outs, 'numbers-tick').windows).toHaveLength(9);
});

test('the sequential version (await fetch_data() before counting): order and runtime fail, value check skipped', () => {
  const outs = evaluateChecks(fetchAndCountSpec(), sequentialFetchTrace());
  expect(statusOf(outs)).toEqual({
    'starts-fetching': 'passed',
    'counts-to-nine': 'passed',
    'done-around-eight': 'failed',
    'value-after-done': 'skipped',
    'numbers-tick': 'passed',
    'fetch-takes-two-seconds': 'passed',
    'overlapping-runtime': 'failed',
    'clean-exit': 'passed',
    'no-traceback': 'passed',
  });
  const d = byId(outs, 'done-around-eight');
  expect(d.message).toContain("expected 'done fetching' after '7' and before '8'; it came at 2.00 s (trace line 2), before '7' (3.75 s, trace line 11)");
  expect(byId(outs, 'value-after-done').message).toMatch(/^skipped: needs 'done-around-eight' \(.+\), which failed$/);
  expect(byId(outs, 'overlapping-runtime').message).toContain('it took 4.50 s: 1.10 s too long');
});

test('"done fetching" after 9: the message gives the time, line and the line before it', () => {
  const outs = evaluateChecks(fetchAndCountSpec(), doneAfterNineTrace());
  const d = byId(outs, 'done-around-eight');
  expect(d.status).toBe('failed');
  expect(d.message).toBe(
    "expected 'done fetching' after '7' and before '8'; it came at 2.57 s (trace line 12), right after '9' (2.26 s, trace line 11), so after '8' (2.01 s, trace line 10); 2 of 3 in order",
  );
  expect(d.lines).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ index: 11, role: 'offending' }),
      expect.objectContaining({ index: 9, role: 'anchor' }),
      expect.objectContaining({ index: 10, role: 'context' }),
    ]),
  );
  expect(byId(outs, 'fetch-takes-two-seconds').message).toContain('270 ms more than the 2.30 s allowed');
});

test('printing the task instead of awaiting it: the program ends early; one failure per missing thing', () => {
  const r = run(trace([[0, 'start fetching'], [0.5, '0'], [0.8, "<Task pending name='Task-2' coro=<fetch_data() running at main.py:4>>"]]), { wallMs: 20 });
  const outs = evaluateChecks(fetchAndCountSpec(), r);
  const counts = byId(outs, 'counts-to-nine');
  expect(counts.status).toBe('failed');
  expect(counts.fraction).toBeCloseTo(0.1);
  expect(counts.message).toBe(
    "expected '1' after '0' (0.00 s, trace line 2); it never appears; the next stdout line is \"<Task pending name='Task-2' coro=<fetch_data() running at main.py:4>>\" (0.00 s, trace line 3); 1 of 10 in order",
  );
  expect(counts.lines).toEqual(expect.arrayContaining([expect.objectContaining({ index: 2, role: 'context', note: 'came instead' })]));
  expect(byId(outs, 'done-around-eight').status).toBe('skipped');
  expect(byId(outs, 'value-after-done').status).toBe('skipped');
  expect(byId(outs, 'numbers-tick').message).toContain('only one appears');
  expect(byId(outs, 'fetch-takes-two-seconds').category).toBe('missing');
});

test('forgetting `await task2`: the output stops after the value; the message shows where it ends', () => {
  const rows: Array<[number, string]> = [[0, 'start fetching']];
  for (let i = 0; i < 8; i++) rows.push([250 * i, String(i)]);
  rows.push([2000, 'done fetching'], [2000.2, "{'data': 1}"]);
  const outs = evaluateChecks(fetchAndCountSpec(), run(trace(rows), { wallMs: 2010 }));
  const counts = byId(outs, 'counts-to-nine');
  expect(counts.fraction).toBeCloseTo(0.8);
  expect(counts.message).toBe(
    "expected '8' after '7' (1.75 s, trace line 9); it never appears; the next stdout line is 'done fetching' (2.00 s, trace line 10), and the last is \"{'data': 1}\" (2.00 s, trace line 11); 8 of 10 in order",
  );
  expect(outs.filter((o) => o.status === 'failed').map((o) => o.id)).toEqual(['counts-to-nine']);
});

test('time.sleep blocks the loop: numbers come in a burst after the fetch', () => {
  // fetch_data uses time.sleep(2): nothing prints for 2 s, then numbers tick normally.
  const rows: Array<[number, string]> = [[0, 'start fetching'], [2000, 'done fetching'], [2000.1, "{'data': 1}"]];
  for (let i = 0; i < 10; i++) rows.push([2000.2 + 250 * i, String(i)]);
  const outs = evaluateChecks(fetchAndCountSpec(), run(trace(rows), { wallMs: 4500 }));
  expect(byId(outs, 'done-around-eight').status).toBe('failed');
  expect(byId(outs, 'overlapping-runtime').status).toBe('failed');
});

test('a crash with a traceback: the exit and stderr checks say what happened', () => {
  const r = run(
    trace([[0, 'start fetching'], [1, 'Traceback (most recent call last):', 'stderr'], [2, "NameError: name 'asyncio' is not defined", 'stderr']]),
    { exitCode: 1, wallMs: 40 },
  );
  const outs = evaluateChecks(fetchAndCountSpec(), r);
  expect(byId(outs, 'clean-exit').message).toContain("the error is \"NameError: name 'asyncio' is not defined\" at 0.00 s (trace line 3, stderr)");
  expect(byId(outs, 'no-traceback').status).toBe('failed');
});
