/**
 * A line that never appears because the run stopped early: the message says why — the
 * exception and the student's file:line (issue 14, defect 1), or the limit, its value and how
 * to raise it (defect 5). Synthetic traces of what the course's drivers really printed.
 */

import { evaluateCheck } from '../evaluate.js';
import { check, run, sel, spec, trace } from '../testkit.js';
import type { CheckBody } from '../../spec/types.js';
import type { RunRecord } from '../../trace/types.js';

const evalBody = (body: CheckBody, r: RunRecord) => evaluateCheck(spec([check('c', body)]), r, check('c', body));

/** 3-main.py importing a module the student never wrote: Python 3.11's traceback, as captured in bwrap. */
const importCrash = run(
  trace([
    [0, 'Traceback (most recent call last):', 'stderr'],
    [0, '  File "/work/3-main.py", line 3, in <module>', 'stderr'],
    [0, "    task_wait_random = __import__('3-tasks').task_wait_random", 'stderr'],
    [0, '                       ^^^^^^^^^^^^^^^^^^^^^', 'stderr'],
    [0, "ModuleNotFoundError: No module named '3-tasks'", 'stderr'],
  ]),
  { exitCode: 1, end: 'exited', endDetail: 'exited with code 1', wallMs: 40 },
);

test('a crash before the line cites the exception and where the student code raised it', () => {
  const o = evalBody({ kind: 'exists', line: sel("<class '_asyncio.Task'>") }, importCrash);
  expect(o.message).toBe(
    `expected "<class '_asyncio.Task'>"; it never appears (stdout is empty; the program exited with code 1 after 40 ms, ` +
      "stopped by \"ModuleNotFoundError: No module named '3-tasks'\" at 0.00 s (trace line 5, stderr), raised at 3-main.py:3)",
  );
});

test('after some output, the exception is still the cause cited (not only the exit code)', () => {
  const r = run(trace([[0, '0.5'], [500, 'Traceback (most recent call last):', 'stderr'], [500, '  File "/work/1-main.py", line 5, in <module>', 'stderr'], [500, 'TypeError: boom', 'stderr']]), {
    exitCode: 1,
    wallMs: 510,
  });
  const o = evalBody({ kind: 'order', lines: [sel('0.5'), sel('0.7')], strict: false }, r);
  expect(o.message).toContain("(the program exited with code 1 after 510 ms, stopped by 'TypeError: boom' at 0.50 s (trace line 4, stderr), raised at 1-main.py:5)");
});

test('a run stopped at the wall-time limit names the limit, its value and how to raise it', () => {
  const r = run(trace([[0, 'start']]), {
    exitCode: null,
    signal: 'SIGTERM',
    timedOut: true,
    end: 'timeout',
    wallMs: 10_000,
    sandbox: { level: 'bwrap', limits: { wallMs: 10_000 } },
  });
  expect(evalBody({ kind: 'exists', line: sel('[0.1, 0.2]') }, r).message).toBe(
    "expected '[0.1, 0.2]'; it never appears (the run was stopped at the 10 s wall-time limit after 10.00 s; " +
      'raise it with run.limits.wall in the spec (wall: 60s), or grade with --time-scale 2 (which also doubles every timing tolerance))',
  );
});

test('memory and output limits say how to raise them too; a plain crash gives no limit advice', () => {
  const mem = run(trace([[0, 'MemoryError', 'stderr']]), { exitCode: 1, end: 'memory-limit', endDetail: 'memory limit (512 MiB) reached: MemoryError', wallMs: 300 });
  expect(evalBody({ kind: 'exists', line: sel('done') }, mem).message).toMatch(/at the memory limit, stopped by 'MemoryError' .*; raise it with run\.limits\.memory/);
  const out = run(trace([[0, 'x']]), { truncated: true, end: 'output-limit', exitCode: null, signal: 'SIGTERM' });
  expect(evalBody({ kind: 'exists', line: sel('done') }, out).message).toMatch(/cut off at the size limit, so later lines were not recorded; raise it with run\.limits\.output/);
  expect(evalBody({ kind: 'exists', line: sel('done') }, importCrash).message).not.toMatch(/limits/);
});
