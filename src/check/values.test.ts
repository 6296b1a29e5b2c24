import type { CheckBody, Spec, ValueRef } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { evaluateCheck } from './evaluate.js';
import { check, run, sel, spec, tol, trace } from './testkit.js';
import { parseList, parseNumber } from './values/index.js';

const evalBody = (body: CheckBody, r: RunRecord, opts: Partial<Spec> = {}) => {
  const c = check('c', body);
  return evaluateCheck(spec([c], opts), r, c);
};

const value = (line: string, extra: Partial<Extract<CheckBody, { kind: 'value' }>>): CheckBody => ({
  kind: 'value', line: sel(line), group: 1, list: false, tolerance: {}, ...extra,
});
const num = (v: number): ValueRef => ({ kind: 'number', value: v });

describe('parsing captures', () => {
  test('numbers', () => {
    expect(parseNumber('2.01')).toBe(2.01);
    expect(parseNumber(' took 2.5 s')).toBe(2.5);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('1,5')).toBe(1.5);
    expect(parseNumber('none')).toBeUndefined();
  });
  test('lists', () => {
    expect(parseList('[0, 1, 2]')).toEqual({ values: [0, 1, 2], bad: [] });
    expect(parseList('3 1 2')).toEqual({ values: [3, 1, 2], bad: [] });
    expect(parseList('[]')).toEqual({ values: [], bad: [] });
    expect(parseList("['1', 'x']")).toEqual({ values: [1], bad: ["'x'"] });
  });
});

describe('value', () => {
  const r = run(trace([[0, 'total: 45'], [10, 'count: 9'], [2510, 'took 2.01 s'], [2511, 'items: [0, 1, 2, 5, 3]']]), { wallMs: 2520 });

  test('equals / at least / at most a constant', () => {
    expect(evalBody(value('/total: (\\d+)/', { equals: num(45) }), r).status).toBe('passed');
    const o = evalBody(value('/total: (\\d+)/', { equals: num(46) }), r);
    expect(o.status).toBe('failed');
    expect(o.message).toBe("read 45 from 'total: 45' (0.00 s, trace line 1): expected it to equal 46, got 45");
    expect(evalBody(value('/total: (\\d+)/', { atLeast: num(40), atMost: num(50) }), r).status).toBe('passed');
    expect(evalBody(value('/total: (\\d+)/', { atMost: num(40) }), r).message).toContain('expected at most 40, got 45');
  });

  test('named groups and group numbers', () => {
    expect(evalBody(value('/(?<k>\\w+): (?<v>\\d+)/', { group: 'v', equals: num(45) }), r).status).toBe('passed');
    expect(evalBody(value('/(\\w+): (\\d+)/', { group: 2, equals: num(45) }), r).status).toBe('passed');
    const o = evalBody(value('/total: (\\d+)/', { group: 3, equals: num(45) }), r);
    expect(o.message).toContain('group 3 captured nothing');
  });

  test('compared with another capture', () => {
    const other: ValueRef = { kind: 'capture', line: sel('/count: (\\d+)/'), group: 1 };
    const o = evalBody(value('/total: (\\d+)/', { atLeast: other }), r);
    expect(o.status).toBe('passed');
    expect(o.lines).toEqual(expect.arrayContaining([expect.objectContaining({ index: 1, role: 'anchor' })]));
    const bad = evalBody(value('/count: (\\d+)/', { equals: { kind: 'capture', line: sel('/total: (\\d+)/'), group: 1 } }), r);
    expect(bad.message).toContain("expected it to equal 45 from 'total: 45' (0.00 s, trace line 1), got 9");
    const na = evalBody(value('/total: (\\d+)/', { equals: { kind: 'capture', line: sel('/sum: (\\d+)/'), group: 1 } }), r);
    expect(na.category).toBe('not-applicable');
  });

  test('about the measured runtime (seconds), tolerance in the same unit', () => {
    const ok = evalBody(value('/took ([\\d.]+) s/', { about: { kind: 'runtime' }, tolerance: tol(600) }), r);
    expect(ok.message).toBe("read 2.01 from 'took 2.01 s' (2.51 s, trace line 3): about the measured runtime (2.52 s) ± 0.6");
    const o = evalBody(value('/took ([\\d.]+) s/', { about: { kind: 'runtime' }, tolerance: tol(200) }), r);
    expect(o.status).toBe('failed');
    expect(o.message).toBe("read 2.01 from 'took 2.01 s' (2.51 s, trace line 3): expected about the measured runtime (2.52 s) ± 0.2, got 2.01 (off by 0.51)");
    // a slow grader (scale 3) widens the tolerance to 0.6
    expect(evalBody(value('/took ([\\d.]+) s/', { about: { kind: 'runtime' }, tolerance: tol(200) }), r, { timing: { tolerance: {}, scale: 3 } }).status).toBe('passed');
  });

  test('relative tolerance is a share of the reference value', () => {
    const rr = run(trace([[0, 'took 2.30 s']]), { wallMs: 2000 });
    const body = (relative: number) => value('/took ([\\d.]+) s/', { about: { kind: 'runtime' }, tolerance: { relative } });
    expect(evalBody(body(0.1), rr).status).toBe('failed'); // 2.3 vs 2 ± 0.2
    expect(evalBody(body(0.2), rr).status).toBe('passed'); // 2.3 vs 2 ± 0.4
  });

  test('a capture that is not a number', () => {
    const o = evalBody(value('/total: (\\w+)/', { equals: num(1) }), run(trace([[0, 'total: many']])));
    expect(o.message).toContain("captured 'many', which is not a number");
  });

  test('string equality', () => {
    expect(evalBody(value('/total: (\\w+)/', { equals: { kind: 'string', value: 'many' } }), run(trace([[0, 'total: many']]))).status).toBe('passed');
  });

  test('the line never appears: missing, with near miss', () => {
    const o = evalBody(value('/^Took ([\\d.]+)/', { about: { kind: 'runtime' } }), r);
    expect(o.category).toBe('missing');
    expect(o.message).toContain('to read a value from');
  });

  test('every matching line must hold; partial = share of lines', () => {
    const rr = run(trace([[0, 'v=1'], [1, 'v=5'], [2, 'v=2']]));
    const o = evalBody(value('/v=(\\d+)/', { atMost: num(3), line: sel('/v=(\\d+)/', { occurrence: 'every' }) }), rr);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBeCloseTo(2 / 3);
    expect(o.message).toMatch(/^2 of 3 lines matching \/v=\(\\d\+\)\/ hold\. First failure: read 5 from 'v=5'/);
  });
});

describe('value lists', () => {
  const r = run(trace([[0, 'items: [0, 1, 2, 5, 3]']]));
  const list = (extra: Partial<Extract<CheckBody, { kind: 'value' }>>) => value('/items: (.*)$/', { list: true, ...extra });

  test('ascending fails at the pair that breaks it; partial = items that hold / items', () => {
    const o = evalBody(list({ ascending: true }), r);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBeCloseTo(4 / 5);
    expect(o.message).toContain('not ascending: 5 then 3 (items 4 and 5)');
  });

  test('items, each_at_most, each_at_least', () => {
    expect(evalBody(list({ items: 5, eachAtMost: 5, eachAtLeast: 0 }), r).status).toBe('passed');
    const o = evalBody(list({ items: 10, eachAtMost: 4 }), r);
    expect(o.message).toContain('expected 10 items, found 5');
    expect(o.message).toContain('item 4 is 5, above the maximum 4');
    expect(o.fraction).toBeCloseTo((4 / 5) * (5 / 10));
  });

  test('descending, and the passing message lists the values', () => {
    const o = evalBody(list({ descending: true }), run(trace([[0, 'items: [3, 2, 2, 1]']])));
    expect(o.status).toBe('passed');
    expect(o.message).toBe("read [3, 2, 2, 1] from 'items: [3, 2, 2, 1]' (0.00 s, trace line 1): 4 items, descending");
  });

  test('equal to another captured list', () => {
    const rr = run(trace([[0, 'a: [1, 2]'], [1, 'b: [1, 2]'], [2, 'c: [2, 1]']]));
    const eq = (l: string): ValueRef => ({ kind: 'capture', line: sel(l), group: 1 });
    expect(evalBody(value('/a: (.*)/', { list: true, equals: eq('/b: (.*)/') }), rr).status).toBe('passed');
    expect(evalBody(value('/a: (.*)/', { list: true, equals: eq('/c: (.*)/') }), rr).status).toBe('failed');
  });
});

describe('value with a scope', () => {
  // The course drivers print one result per call: the scope picks the one after the second call.
  const r = run(trace([[0, 'call 1'], [10, 'result 3'], [20, 'call 2'], [30, 'result 7'], [40, 'done']]), { wallMs: 50 });
  const scope = { after: sel('call 2'), before: sel('done') };

  test('reads the value from the first matching line inside the scope, and names the scope', () => {
    const o = evalBody(value('/result (\\d+)/', { equals: num(7), scope }), r);
    expect(o.status).toBe('passed');
    expect(o.message).toBe("read 7 from 'result 7' (0.03 s, trace line 4): equals 7");
    expect(o.lines.map((l) => [l.index, l.role])).toEqual([[3, 'match'], [2, 'anchor'], [4, 'anchor']]);
    expect(evalBody(value('/result (\\d+)/', { equals: num(7) }), r).status).toBe('failed');
  });

  test('no matching line in the scope is missing, said with the scope; an absent scope start is not applicable', () => {
    const o = evalBody(value('/result (\\d+)/', { equals: num(7), scope: { after: sel('done') } }), r);
    expect(o.status).toBe('failed');
    expect(o.category).toBe('missing');
    expect(o.message).toContain("expected a line matching /result (\\d+)/ after 'done' (0.04 s, trace line 5) to read a value from");
    const na = evalBody(value('/result (\\d+)/', { equals: num(7), scope: { after: sel('call 9') } }), r);
    expect(na.category).toBe('not-applicable');
  });
});
