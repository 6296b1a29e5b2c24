import type { CheckBody } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { evaluateCheck } from './evaluate.js';
import { check, run, sel, spec, trace } from './testkit.js';

const evalBody = (body: CheckBody, r: RunRecord) => {
  const c = check('c', body);
  return evaluateCheck(spec([c]), r, c);
};

const lesson = run(trace([
  [0, 'start fetching'], [1, '0'], [250, '1'], [500, '2'], [750, '3'], [1000, '4'], [1250, '5'], [1500, '6'],
  [1750, '7'], [2000, 'done fetching'], [2001, "{'data': 1}"], [2002, '8'], [2250, '9'],
]));

describe('exists / absent', () => {
  test('exists passes and cites the line', () => {
    const o = evalBody({ kind: 'exists', line: sel('done fetching') }, lesson);
    expect(o.status).toBe('passed');
    expect(o.message).toBe("found 'done fetching' at 2.00 s (trace line 10)");
    expect(o.lines).toEqual([expect.objectContaining({ index: 9, role: 'match', tMs: 2000 })]);
  });

  test('exists fails on a line that never appears, with the near miss', () => {
    const r = run(trace([[0, 'start fetching'], [2070, 'Done fetching']]));
    const o = evalBody({ kind: 'exists', line: sel('done fetching') }, r);
    expect(o.status).toBe('failed');
    expect(o.category).toBe('missing');
    expect(o.message).toContain("expected 'done fetching'");
    expect(o.message).toContain("possible intended match: 'Done fetching' at 2.07 s (trace line 2) differs in case");
    expect(o.lines).toEqual([expect.objectContaining({ index: 1, role: 'near-miss', note: 'differs in case' })]);
  });

  test('exists on an empty trace says the stream is empty', () => {
    const o = evalBody({ kind: 'exists', line: sel('x') }, run([]));
    expect(o.status).toBe('failed');
    expect(o.message).toContain('stdout is empty');
  });

  test('a missing line says when the run was cut short', () => {
    const timedOut = run(trace([[0, '0'], [250, '1']]), { timedOut: true, exitCode: null, signal: 'SIGKILL', wallMs: 6000 });
    expect(evalBody({ kind: 'exists', line: sel('9') }, timedOut).message).toBe(
      "expected '9'; it never appears (the run was stopped at the wall-time limit after 6.00 s; " +
        'raise it with run.limits.wall in the spec (wall: 60s), or grade with --time-scale 2 (which also doubles every timing tolerance))',
    );
    const crashed = run(trace([[0, 'RuntimeError: no running event loop', 'stderr']]), { exitCode: 1, wallMs: 76 });
    expect(evalBody({ kind: 'first', line: sel('start fetching') }, crashed).message).toBe(
      "expected the first stdout line to be 'start fetching'; stdout is empty (the program exited with code 1 after 76 ms, stopped by 'RuntimeError: no running event loop' at 0.00 s (trace line 1, stderr))",
    );
    const truncated = run(trace([[0, '0']]), { truncated: true, end: 'output-limit' });
    expect(evalBody({ kind: 'exists', line: sel('9') }, truncated).message).toContain('cut off at the size limit');
    expect(evalBody({ kind: 'absent', line: sel('9') }, truncated).message).toContain('only what was captured was searched');
  });

  test('exists with nth occurrence counts duplicates', () => {
    const r = run(trace([[0, 'tick'], [1, 'tick']]));
    expect(evalBody({ kind: 'exists', line: sel('tick', { occurrence: 2 }) }, r).status).toBe('passed');
    const o = evalBody({ kind: 'exists', line: sel('tick', { occurrence: 3 }) }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain('no 3rd match, only 2 lines');
  });

  test('absent on stderr fails citing every offending line', () => {
    const r = run(trace([[0, 'x'], [10, 'Traceback (most recent call last):', 'stderr'], [11, 'ZeroDivisionError', 'stderr']]));
    const o = evalBody({ kind: 'absent', line: sel('/Traceback/', { stream: 'stderr' }) }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain("'Traceback (most recent call last):' (0.01 s, trace line 2, stderr)");
    expect(o.lines[0]).toMatchObject({ index: 1, role: 'offending' });
    expect(evalBody({ kind: 'absent', line: sel('/Traceback/') }, r).status).toBe('passed'); // stdout only
  });
});

describe('count', () => {
  const r = run(trace([[0, '1'], [1, '2'], [2, '3'], [3, 'x'], [4, '4']]));
  const digits = sel('/^\\d$/');

  test('exactly / at least / at most', () => {
    expect(evalBody({ kind: 'count', line: digits, exactly: 4 }, r).status).toBe('passed');
    expect(evalBody({ kind: 'count', line: digits, atLeast: 3, atMost: 5 }, r).status).toBe('passed');
    const o = evalBody({ kind: 'count', line: digits, exactly: 10 }, r);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBeCloseTo(0.4);
    expect(o.message).toContain('expected exactly 10 lines matching /^\\d$/; found 4');
  });

  test('too many: the surplus lines are the offending ones', () => {
    const o = evalBody({ kind: 'count', line: digits, atMost: 2 }, r);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBeCloseTo(0.5);
    expect(o.lines.filter((l) => l.role === 'offending').map((l) => l.index)).toEqual([2, 4]);
    expect(o.message).toContain("beyond 2 start at '3' (0.00 s, trace line 3)");
  });

  test('count of zero', () => {
    expect(evalBody({ kind: 'count', line: sel('nope'), exactly: 0 }, r).status).toBe('passed');
    const o = evalBody({ kind: 'count', line: sel('nope'), atLeast: 1 }, r);
    expect(o.category).toBe('missing');
  });
});

describe('first / last', () => {
  test('first line of stdout, ignoring stderr before it', () => {
    const r = run(trace([[0, 'warning', 'stderr'], [1, 'tim'], [2, 'text']]));
    expect(evalBody({ kind: 'first', line: sel('tim') }, r).status).toBe('passed');
    expect(evalBody({ kind: 'first', line: sel('tim', { stream: 'any' }) }, r).status).toBe('failed');
  });

  test('first fails naming the actual first line and where the expected one is', () => {
    const r = run(trace([[0, '0'], [5, 'start fetching']]));
    const o = evalBody({ kind: 'first', line: sel('start fetching') }, r);
    expect(o.status).toBe('failed');
    expect(o.category).toBe('violated');
    expect(o.message).toBe(
      "expected the first stdout line to be 'start fetching'; it is '0' at 0.00 s (trace line 1). 'start fetching' comes later, at 0.01 s (trace line 2), with 1 line before it",
    );
  });

  test('last, with a final partial line (no newline)', () => {
    const r = run([{ tMs: 0, text: '8', stream: 'stdout' }, { tMs: 5, text: '9', stream: 'stdout', partial: true }]);
    expect(evalBody({ kind: 'last', line: sel('9') }, r).status).toBe('passed');
    const o = evalBody({ kind: 'last', line: sel('8') }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain("it is '9' at 0.01 s (trace line 2)");
  });

  test('first on an empty stream', () => {
    const o = evalBody({ kind: 'first', line: sel('tim') }, run(trace([[0, 'tim', 'stderr']])));
    expect(o.status).toBe('failed');
    expect(o.message).toContain('stdout is empty');
    expect(o.message).toContain('is on stderr, not stdout');
  });
});

describe('order', () => {
  const digits = Array.from({ length: 10 }, (_, i) => sel(String(i)));

  test('in order with unrelated lines between', () => {
    const o = evalBody({ kind: 'order', lines: digits, strict: false }, lesson);
    expect(o.status).toBe('passed');
    expect(o.lines.map((l) => l.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 11, 12]);
  });

  test('"done fetching" between 7 and 8: the passing message names the neighbours', () => {
    const o = evalBody({ kind: 'order', lines: [sel('7'), sel('done fetching'), sel('8')], strict: false }, lesson);
    expect(o.message).toBe("'done fetching' at 2.00 s (trace line 10), between '7' (1.75 s, trace line 9) and '8' (2.00 s, trace line 12)");
  });

  test('a swap: partial credit is the in-order prefix, and the message gives the evidence', () => {
    const r = run(trace([[0, '0'], [1, '1'], [2, '3'], [3, '2'], [4, '4']]));
    const o = evalBody({ kind: 'order', lines: digits.slice(0, 5), strict: false }, r);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBeCloseTo(3 / 5);
    expect(o.message).toContain("expected '2' after '1' and before '3'; it came at 0.00 s (trace line 4), right after '3' (0.00 s, trace line 3)");
    expect(o.lines).toEqual(expect.arrayContaining([expect.objectContaining({ index: 3, role: 'offending' }), expect.objectContaining({ index: 2, role: 'anchor' })]));
  });

  test('an element that never appears: missing, with the previous match and a near miss', () => {
    const r = run(trace([[0, 'tim'], [1000, 'Finished']]));
    const o = evalBody({ kind: 'order', lines: [sel('tim'), sel('finished')], strict: false }, r);
    expect(o.category).toBe('missing');
    expect(o.fraction).toBe(0.5);
    expect(o.message).toContain("expected 'finished' after 'tim' (0.00 s, trace line 1); it never appears; possible intended match: 'Finished' at 1.00 s (trace line 2) differs in case");
  });

  test('the lesson program 2: finished comes before text', () => {
    const r = run(trace([[0, 'tim'], [1, 'finished'], [2, 'text']]));
    const o = evalBody({ kind: 'order', lines: [sel('tim'), sel('text'), sel('finished')], strict: false }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain("expected 'text' after 'tim' and before 'finished'; it came at 0.00 s (trace line 3), right after 'finished' (0.00 s, trace line 2)");
  });

  test('strict order: consecutive lines of the stream (stderr lines between do not count)', () => {
    const r = run(trace([[0, 'done fetching'], [1, 'noise', 'stderr'], [2, "{'data': 1}"], [3, '8']]));
    expect(evalBody({ kind: 'order', lines: [sel('done fetching'), sel("{'data': 1}")], strict: true }, r).status).toBe('passed');
    const o = evalBody({ kind: 'order', lines: [sel('done fetching'), sel('8')], strict: true }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain(`expected '8' right after 'done fetching' (0.00 s, trace line 1); the next stdout line is "{'data': 1}" (0.00 s, trace line 3)`);
    expect(o.message).toContain("'8' is at 0.00 s (trace line 4)");
  });

  test('strict order tries every start (duplicates)', () => {
    const r = run(trace([[0, 'a'], [1, 'x'], [2, 'a'], [3, 'b']]));
    const o = evalBody({ kind: 'order', lines: [sel('a'), sel('b')], strict: true }, r);
    expect(o.status).toBe('passed');
    expect(o.lines.map((l) => l.index)).toEqual([2, 3]);
  });

  test('equal timestamps keep trace order', () => {
    const r = run(trace([[100, 'a'], [100, 'b'], [100, 'c']]));
    expect(evalBody({ kind: 'order', lines: [sel('a'), sel('b'), sel('c')], strict: true }, r).status).toBe('passed');
    expect(evalBody({ kind: 'order', lines: [sel('b'), sel('a')], strict: false }, r).status).toBe('failed');
  });

  test('duplicate lines: each search starts after the previous match', () => {
    const r = run(trace([[0, 'x'], [1, 'y'], [2, 'x']]));
    expect(evalBody({ kind: 'order', lines: [sel('x'), sel('y'), sel('x')], strict: false }, r).status).toBe('passed');
    expect(evalBody({ kind: 'order', lines: [sel('x'), sel('x'), sel('x')], strict: false }, r).status).toBe('failed');
  });
});

describe('group', () => {
  test('all present in any order, each on its own line', () => {
    const r = run(trace([[0, 'c'], [1, 'a'], [2, 'b']]));
    expect(evalBody({ kind: 'group', lines: [sel('a'), sel('b'), sel('c')] }, r).status).toBe('passed');
  });

  test('two selectors cannot share one line', () => {
    const r = run(trace([[0, 'ab'], [1, 'zz']]));
    const a = sel('a', { kind: 'contains', pattern: 'a' });
    const ab = sel('ab');
    // 'ab' can only take line 1, so 'a' must find another line: none.
    const o = evalBody({ kind: 'group', lines: [a, ab] }, r);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBe(0.5);
    expect(o.message).toContain('already counted for another member');
  });

  test('partial: found / total', () => {
    const r = run(trace([[0, 'a'], [1, 'c']]));
    const o = evalBody({ kind: 'group', lines: [sel('a'), sel('b'), sel('c'), sel('d')] }, r);
    expect(o.fraction).toBe(0.5);
    expect(o.message).toContain('found 2 of 4');
  });
});

describe('scopes (Dwyer: after the first Q, before the first following R)', () => {
  const r = run(trace([[0, 'x'], [1, 'begin'], [2, 'y'], [3, 'end'], [4, 'x'], [5, 'begin'], [6, 'x']]));
  const scope = { after: sel('begin'), before: sel('end') };

  test('absent between Q and R ignores lines outside', () => {
    const o = evalBody({ kind: 'absent', line: sel('x'), scope }, r);
    expect(o.status).toBe('passed');
    expect(o.message).toContain("after 'begin' (0.00 s, trace line 2) and before 'end' (0.00 s, trace line 4)");
    expect(evalBody({ kind: 'exists', line: sel('y'), scope }, r).status).toBe('passed');
  });

  test('a line outside the scope is reported as such', () => {
    const o = evalBody({ kind: 'exists', line: sel('x'), scope }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain('appears only outside that part of the output');
  });

  test('a missing start of scope makes the check not applicable', () => {
    const o = evalBody({ kind: 'absent', line: sel('x'), scope: { after: sel('nope') } }, r);
    expect(o.status).toBe('failed');
    expect(o.category).toBe('not-applicable');
    expect(o.message).toMatch(/^cannot be checked: .*'nope', which never appears/);
  });

  test('a missing end of scope extends it to the end', () => {
    const o = evalBody({ kind: 'count', line: sel('x'), exactly: 2, scope: { after: sel('end'), before: sel('nope') } }, r);
    expect(o.status).toBe('passed');
    expect(o.message).toContain("'nope' never follows");
  });

  test('before only', () => {
    expect(evalBody({ kind: 'count', line: sel('x'), exactly: 1, scope: { before: sel('begin') } }, r).status).toBe('passed');
  });

  test('order within a scope', () => {
    expect(evalBody({ kind: 'order', lines: [sel('x')], strict: false, scope }, r).status).toBe('failed');
    expect(evalBody({ kind: 'group', lines: [sel('y')], scope }, r).status).toBe('passed');
  });
});

describe('order: what came instead of a missing line', () => {
  const ten = Array.from({ length: 10 }, (_, i) => sel(String(i)));

  test('a loop stuck on one value (the bundled `hang`): says the previous line comes again, how often, until when', () => {
    // while i < 10: print(i) without i += 1, stopped at the wall-time limit.
    const lines: Array<[number, string]> = [[0, 'start fetching'], [5, '0']];
    for (let k = 1; k <= 23; k++) lines.push([5 + k * 250, '0']);
    lines.splice(10, 0, [2000, 'done fetching'], [2001, "{'data': 1}"]);
    const r = run(trace(lines), { timedOut: true, exitCode: null, signal: 'SIGTERM', wallMs: 6010, end: 'timeout' });
    const o = evalBody({ kind: 'order', lines: ten, strict: false }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toBe(
      "expected '1' after '0' (0.01 s, trace line 2); it never appears (the run was stopped at the wall-time limit after 6.01 s; " +
        'raise it with run.limits.wall in the spec (wall: 60s), or grade with --time-scale 2 (which also doubles every timing tolerance)); ' +
        "instead '0' comes again, 23 more times, from 0.26 s (trace line 3) to 5.75 s (trace line 27); 1 of 10 in order",
    );
    expect(o.lines).toContainEqual(expect.objectContaining({ index: 2, role: 'context', note: 'came instead, 23 more times' }));
  });

  test('a run cut short still says what came instead (not only that it stopped)', () => {
    const r = run(trace([[0, '0'], [250, 'oops'], [260, 'more']]), { exitCode: 1, end: 'exited' });
    const o = evalBody({ kind: 'order', lines: ten.slice(0, 2), strict: false }, r);
    expect(o.message).toBe(
      "expected '1' after '0' (0.00 s, trace line 1); it never appears (the program exited with code 1 after 260 ms); " +
        "the next stdout line is 'oops' (0.25 s, trace line 2), and the last is 'more' (0.26 s, trace line 3)",
    );
  });
});
