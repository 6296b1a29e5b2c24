/**
 * Issue 12: every check that fails because of an exception cites where the student's code
 * raised it ("main.py:10 (in helper)"), and every trace position reads "trace line N" — never a
 * bare "line N" a student would look for in main.py. One synthetic crash, every construct family.
 */

import { evaluateCheck } from '../evaluate.js';
import { check, run, sel, spec, tol, trace } from '../testkit.js';
import { crashOf } from '../crash.js';
import { warningAt } from '../traceback.js';
import type { CheckBody } from '../../spec/types.js';
import type { RunRecord } from '../../trace/types.js';

const evalBody = (body: CheckBody, r: RunRecord) => evaluateCheck(spec([check('c', body)]), r, check('c', body));

/** main.py prints 0 and 1, then helper raises on 2: Python 3.11's traceback, as captured in bwrap. */
const crashed = () =>
  run(
    trace([
      [0, "/work/main.py:15: RuntimeWarning: coroutine 'foo' was never awaited", 'stderr'],
      [0, '  foo()', 'stderr'],
      [0, '0'],
      [100, '1'],
      [200, 'Traceback (most recent call last):', 'stderr'],
      [200, '  File "/work/main.py", line 20, in <module>', 'stderr'],
      [200, '    asyncio.run(main())', 'stderr'],
      [200, '  File "/usr/lib/python3.11/asyncio/runners.py", line 190, in run', 'stderr'],
      [200, '  File "/work/main.py", line 10, in helper', 'stderr'],
      [200, '    raise RuntimeError("boom")', 'stderr'],
      [200, 'RuntimeError: boom', 'stderr'],
    ]),
    { exitCode: 1, wallMs: 200 },
  );

const SITE = "'RuntimeError: boom' at 0.20 s (trace line 11, stderr), raised at main.py:10 (in helper)";
const STOP = `the program exited with code 1 after 200 ms, stopped by ${SITE}`;

test('the exception is evidence found once per run: its trace line and the student frame', () => {
  const r = crashed();
  expect(crashOf(r)).toEqual({ index: 10, text: 'RuntimeError: boom', site: { file: 'main.py', line: 10, fn: 'helper' } });
  expect(crashOf(r)).toBe(crashOf(r));
  expect(crashOf(run(trace([[0, 'fine']])))).toBeUndefined();
});

test('order and exists: the missing line is cut short by the exception, cited at main.py:10 (in helper), its line in the excerpt', () => {
  const o = evalBody({ kind: 'order', lines: [sel('0'), sel('1'), sel('2'), sel('3')], strict: false }, crashed());
  expect(o.message).toBe(`expected '2' after '1' (0.10 s, trace line 4); it never appears (${STOP}); 2 of 4 in order`);
  const e = evalBody({ kind: 'exists', line: sel('3') }, crashed());
  expect(e.message).toBe(`expected '3'; it never appears (${STOP})`);
  // The cited trace line is among the excerpt's lines, numbered the same (index 10 = trace line 11).
  expect(e.lines).toContainEqual(expect.objectContaining({ index: 10, text: 'RuntimeError: boom', note: 'the error' }));
});

test('first: stdout is empty because of an import error, its line in the excerpt', () => {
  const r = run(
    trace([
      [0, 'Traceback (most recent call last):', 'stderr'],
      [0, '  File "/work/3-main.py", line 3, in <module>', 'stderr'],
      [0, "ModuleNotFoundError: No module named '3-tasks'", 'stderr'],
    ]),
    { exitCode: 1, wallMs: 40 },
  );
  const o = evalBody({ kind: 'first', line: sel('start') }, r);
  expect(o.message).toBe(
    "expected the first stdout line to be 'start'; stdout is empty (the program exited with code 1 after 40 ms, stopped by " +
      "\"ModuleNotFoundError: No module named '3-tasks'\" at 0.00 s (trace line 3, stderr), raised at 3-main.py:3)",
  );
  expect(o.lines).toContainEqual(expect.objectContaining({ index: 2, note: 'the error' }));
});

test('count: too few lines, because the run stopped', () => {
  const o = evalBody({ kind: 'count', line: sel('^\\d$', { kind: 'regex' }), exactly: 4 }, crashed());
  expect(o.message).toBe(`expected exactly 4 lines matching /^\\d$/; found 2: '0' (0.00 s, trace line 3), '1' (0.10 s, trace line 4); ${STOP}`);
  expect(o.lines.some((l) => l.index === 10)).toBe(true);
  expect(o.status).toBe('failed');
  // Too many is not the exception's doing.
  expect(evalBody({ kind: 'count', line: sel('^\\d$', { kind: 'regex' }), atMost: 1 }, crashed()).message).not.toMatch(/raised at/);
});

test('absent on stderr: a Traceback names the exception and its line; a warning names the line it was issued at', () => {
  const tb = evalBody({ kind: 'absent', line: sel('Traceback', { kind: 'contains', stream: 'stderr' }) }, crashed());
  expect(tb.message).toBe(
    "expected no line matching a line containing 'Traceback' on stderr; found 1 such line: " +
      `'Traceback (most recent call last):' (0.20 s, trace line 5, stderr); the error is ${SITE}`,
  );
  const w = evalBody({ kind: 'absent', line: sel('Warning', { kind: 'contains', stream: 'stderr' }) }, crashed());
  expect(w.message).toMatch(/\(0\.00 s, trace line 1, stderr\); the RuntimeWarning \(trace line 1\) was issued at main\.py:15$/);
  expect(w.message).not.toMatch(/RuntimeError/);
});

test('stderr clean: the error and the warning, each at the student line', () => {
  const o = evalBody({ kind: 'stderr_clean' }, crashed());
  expect(o.message).toMatch(new RegExp(`; the error is ${SITE.replace(/[().]/g, '\\$&')}; the RuntimeWarning \\(trace line 1\\) was issued at main\\.py:15$`));
});

test('exit code and signal: the error, raised where', () => {
  expect(evalBody({ kind: 'exit_code', code: 0 }, crashed()).message).toBe(`expected exit code 0; it exited with code 1 after 200 ms; the error is ${SITE}`);
  expect(evalBody({ kind: 'signal', signal: 'SIGTERM' }, crashed()).message).toBe(`expected the program to be killed by SIGTERM; it exited with code 1 after 200 ms; the error is ${SITE}`);
});

test('timing: a line that never came, and a run too short, because of the exception', () => {
  expect(evalBody({ kind: 'at', line: sel('3'), atMs: 300, tolerance: tol(100) }, crashed()).message).toContain(`it never appears (${STOP})`);
  expect(evalBody({ kind: 'delay', from: sel('0'), to: sel('3'), aboutMs: 300, tolerance: tol(100) }, crashed()).message).toContain(`(${STOP})`);
  const rt = evalBody({ kind: 'runtime', aboutMs: 400, tolerance: tol(100) }, crashed());
  expect(rt.message).toBe(`expected the run to take about 400 ms ± 100 ms; it took 200 ms: 100 ms too short. ${STOP.replace(/^t/, 'T')}`);
  // Too long is not the exception's doing: the last line is cited as before.
  expect(evalBody({ kind: 'runtime', atMostMs: 100, tolerance: {} }, crashed()).message).not.toMatch(/raised at/);
});

test('value: the line to read the value from never came', () => {
  const o = evalBody({ kind: 'value', line: sel('/total: (\\d+)/', { kind: 'regex' }), group: 1, list: false, tolerance: {}, equals: { kind: 'number', value: 3 } }, crashed());
  expect(o.message).toContain(`(${STOP})`);
});

test('an exception printed by a program that still exited 0 is cited too (a driver that catches and prints it)', () => {
  const r = run(
    trace([
      [0, '0'],
      [5, 'Traceback (most recent call last):', 'stderr'],
      [5, '  File "/work/main.py", line 7, in worker', 'stderr'],
      [5, 'ValueError: bad', 'stderr'],
    ]),
    { exitCode: 0, wallMs: 10 },
  );
  expect(evalBody({ kind: 'exists', line: sel('1') }, r).message).toBe(
    "expected '1'; it never appears (the program printed the error 'ValueError: bad' at 0.01 s (trace line 4, stderr), raised at main.py:7 (in worker), and still exited with code 0)",
  );
});

test('Node: the first own frame of the stack is cited the same way', () => {
  const r = run(
    trace([
      [0, 'tick'],
      [5, 'TypeError: bad', 'stderr'],
      [5, '    at helper (/work/main.js:2:26)', 'stderr'],
      [5, '    at node:internal/timers:581:17', 'stderr'],
    ]),
    { exitCode: 1, wallMs: 6 },
  );
  expect(evalBody({ kind: 'exists', line: sel('tock') }, r).message).toContain("stopped by 'TypeError: bad' at 0.01 s (trace line 2, stderr), raised at main.js:2 (in helper))");
});

test('warnings: the line named when it is the student file, nothing for sys:1 or a library', () => {
  const t = trace([
    [0, "/work/main.py:5: RuntimeWarning: coroutine 'foo' was never awaited", 'stderr'],
    [0, "sys:1: RuntimeWarning: coroutine 'bar' was never awaited", 'stderr'],
    [0, '/usr/lib/python3.11/x.py:9: DeprecationWarning: old', 'stderr'],
    [0, '/work/main.py:5: RuntimeWarning: looks like a warning', 'stdout'],
  ]);
  expect(warningAt(t, 0)).toEqual({ category: 'RuntimeWarning', site: { file: 'main.py', line: 5 } });
  expect(warningAt(t, 1)).toEqual({ category: 'RuntimeWarning' });
  expect(warningAt(t, 2)).toEqual({ category: 'DeprecationWarning' });
  expect(warningAt(t, 3)).toBeUndefined();
});
