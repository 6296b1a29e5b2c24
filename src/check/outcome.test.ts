import type { CheckBody } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { evaluateCheck } from './evaluate.js';
import { check, run, spec, trace } from './testkit.js';

const evalBody = (body: CheckBody, r: RunRecord) => {
  const c = check('c', body);
  return evaluateCheck(spec([c]), r, c);
};

const crashed = run(
  trace([[0, 'start'], [50, 'Traceback (most recent call last):', 'stderr'], [51, '  File "main.py", line 3', 'stderr'], [52, 'ZeroDivisionError: division by zero', 'stderr']]),
  { exitCode: 1, wallMs: 60 },
);
const killed = run(trace([[0, 'tick'], [9000, 'tick']]), { exitCode: null, signal: 'SIGKILL', timedOut: true, end: 'timeout', endDetail: 'killed after the 10 s wall-time limit', wallMs: 10000 });

describe('exit_code', () => {
  test('pass', () => {
    expect(evalBody({ kind: 'exit_code', code: 1 }, crashed).message).toBe('exited with code 1');
  });
  test('fail cites the last stderr line (the error)', () => {
    const o = evalBody({ kind: 'exit_code', code: 0 }, crashed);
    expect(o.status).toBe('failed');
    expect(o.message).toBe("expected exit code 0; it exited with code 1 after 60 ms; the error is 'ZeroDivisionError: division by zero' at 0.05 s (trace line 4, stderr)");
    expect(o.lines).toEqual([expect.objectContaining({ index: 3, role: 'context' })]);
  });
  test('the exception line, not a warning printed at shutdown after it', () => {
    const r = run(
      trace([
        [0, 'Traceback (most recent call last):', 'stderr'],
        [1, 'RuntimeError: no running event loop', 'stderr'],
        [2, "sys:1: RuntimeWarning: coroutine 'fetch_data' was never awaited", 'stderr'],
      ]),
      { exitCode: 1, endDetail: 'exited with code 1' },
    );
    const o = evalBody({ kind: 'exit_code', code: 0 }, r);
    expect(o.message).toBe("expected exit code 0; it exited with code 1 after 2 ms; the error is 'RuntimeError: no running event loop' at 0.00 s (trace line 2, stderr)");
    expect(o.lines).toEqual([expect.objectContaining({ index: 1, role: 'context', note: 'the error' })]);
  });

  test('killed: no exit code', () => {
    const o = evalBody({ kind: 'exit_code', code: 0 }, killed);
    expect(o.message).toBe('expected exit code 0; it was stopped at the wall-time limit after 10.00 s (SIGKILL)');
  });

  test('a resource limit is explained by the run record', () => {
    const r = run([], { exitCode: null, signal: 'SIGKILL', end: 'memory-limit', endDetail: 'memory limit 256 MB exceeded', wallMs: 300 });
    expect(evalBody({ kind: 'exit_code', code: 0 }, r).message).toBe('expected exit code 0; it was killed by SIGKILL after 300 ms (memory limit 256 MB exceeded)');
  });
});

describe('signal', () => {
  test('null means not killed', () => {
    expect(evalBody({ kind: 'signal', signal: null }, crashed).status).toBe('passed');
    const o = evalBody({ kind: 'signal', signal: null }, killed);
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/^expected the program not to be killed by a signal; it was stopped/);
  });
  test('names are compared canonically', () => {
    expect(evalBody({ kind: 'signal', signal: 'kill' }, killed).status).toBe('passed');
    expect(evalBody({ kind: 'signal', signal: 'SIGTERM' }, killed).status).toBe('failed');
    expect(evalBody({ kind: 'signal', signal: 'SIGTERM' }, crashed).message).toContain('it exited with code 1');
  });
});

describe('timed_out', () => {
  test('expected false, but the run hit the limit: cites the last line', () => {
    const o = evalBody({ kind: 'timed_out', expected: false }, killed);
    expect(o.status).toBe('failed');
    expect(o.message).toContain("its last line was 'tick' at 9.00 s (trace line 2)");
  });
  test('expected true', () => {
    expect(evalBody({ kind: 'timed_out', expected: true }, killed).status).toBe('passed');
    expect(evalBody({ kind: 'timed_out', expected: true }, crashed).status).toBe('failed');
  });
});

describe('stderr clean', () => {
  test('fails listing the stderr lines, interleaved with stdout', () => {
    const o = evalBody({ kind: 'stderr_clean' }, crashed);
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/^expected nothing on stderr; it printed 3 lines: 'Traceback \(most recent call last\):' \(0\.05 s, trace line 2, stderr\)/);
    expect(o.message).toContain("; the error is 'ZeroDivisionError: division by zero' at 0.05 s (trace line 4, stderr)");
    expect(o.lines.map((l) => l.index)).toEqual([1, 2, 3]);
    expect(o.lines[2]!.note).toBe('the error');
  });
  test('passes with stdout only, and on an empty trace', () => {
    expect(evalBody({ kind: 'stderr_clean' }, run(trace([[0, 'x']]))).status).toBe('passed');
    expect(evalBody({ kind: 'stderr_clean' }, run([])).status).toBe('passed');
  });
});

describe('tasks', () => {
  test('delegates to the task-rule evaluator, keeping the check id', () => {
    const o = evalBody({ kind: 'tasks', rule: { kind: 'uses_asyncio' } }, run([]));
    expect(o.id).toBe('c');
    expect(o.status).toBe('failed');
    expect(o.message).toContain('task');
  });
});
