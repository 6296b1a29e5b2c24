/** Expressions against a run: captured values, aggregates of captured lists, line times and delays, in seconds. */

import { describe, expect, test } from '@jest/globals';
import type { CheckBody, Expr, ValueRef } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { evaluateCheck } from './evaluate.js';
import { check, run, sel, spec, tol, trace } from './testkit.js';

const evalBody = (body: CheckBody, r: RunRecord) => {
  const c = check('c', body);
  return evaluateCheck(spec([c]), r, c);
};
const delays = sel('/^\\[(.*)\\]$/', { alias: 'delays', display: '$delays' });
const ret = sel('/^returned ([\\d.]+)$/', { alias: 'ret', display: '$ret' });
const call = sel('calling', { alias: 'call', display: '$call' });
const ex = (expr: Expr, text: string): ValueRef & { kind: 'expr' } => ({ kind: 'expr', expr, text });
const agg = (fn: 'max' | 'sum' | 'count' | 'mean' | 'min'): Expr => ({ op: 'agg', fn, line: delays });

// wait_n(5, 2): five concurrent waits, the run lasts as long as the longest, not their sum.
const concurrent = run(trace([[1840, '[0.2, 0.5, 0.9, 1.3, 1.84]']]), { wallMs: 1850 });
const sequential = run(trace([[4740, '[0.2, 0.5, 0.9, 1.3, 1.84]']]), { wallMs: 4750 });

describe('runtime bounds as expressions', () => {
  const body: CheckBody = { kind: 'runtime', tolerance: tol(200), exprs: { about: ex(agg('max'), 'max($delays)') } };

  test('about max(list): concurrent passes, saying what the bound came to', () => {
    const o = evalBody(body, concurrent);
    expect(o.status).toBe('passed');
    expect(o.message).toBe('the run took 1.85 s (expected about 1.84 s ± 200 ms — about max($delays) = 1.84 (of [0.2, 0.5, 0.9, 1.3, 1.84], \'[0.2, 0.5, 0.9, 1.3, 1.84]\' (1.84 s, trace line 1)))');
    expect(o.lines[0]).toMatchObject({ index: 0, role: 'anchor' });
  });

  test('sequential waits take the sum: too long, by how much', () => {
    const o = evalBody(body, sequential);
    expect(o.status).toBe('failed');
    expect(o.message).toContain('it took 4.75 s: 2.71 s too long');
    const sum: CheckBody = { kind: 'runtime', tolerance: tol(200), exprs: { about: ex(agg('sum'), 'sum($delays)') } };
    expect(evalBody(sum, sequential).status).toBe('passed');
  });

  test('a bound that cannot be computed makes the check not applicable, with the reason', () => {
    const o = evalBody(body, run(trace([[0, 'nothing']])));
    expect(o.category).toBe('not-applicable');
    expect(o.message).toBe('cannot be checked: the bound about max($delays) cannot be computed: /^\\[(.*)\\]$/ never appears');
  });
});

describe('value targets as expressions', () => {
  test('measure_time: the value printed is about runtime / n', () => {
    const r = run(trace([[1900, '0.38']]), { wallMs: 1900 });
    const per: Expr = { op: '/', a: { op: 'runtime' }, b: { op: 'num', value: 5 } };
    const body: CheckBody = { kind: 'value', line: sel('/^([\\d.]+)$/'), group: 1, list: false, tolerance: tol(50), about: ex(per, 'runtime / 5') };
    const o = evalBody(body, r);
    expect(o.status).toBe('passed');
    expect(o.message).toBe("read 0.38 from '0.38' (1.90 s, trace line 1): about runtime / 5 (= 0.38; runtime = 1.90 s) ± 0.05");
  });

  test('the call takes about the value returned: delay(call, ret) against $ret', () => {
    const r = run(trace([[0, 'calling'], [3200, 'returned 3.1']]));
    const d: Expr = { op: 'delay', from: call, to: ret };
    const body: CheckBody = { kind: 'value', line: ret, group: 1, list: false, tolerance: tol(150), about: ex(d, 'delay($call, $ret)') };
    const o = evalBody(body, r);
    expect(o.status).toBe('passed');
    expect(o.message).toContain('about delay($call, $ret) = 3.20 s ± 0.15');
    const late = evalBody(body, run(trace([[0, 'calling'], [9000, 'returned 3.1']])));
    expect(late.status).toBe('failed');
    expect(late.message).toContain('(off by 5.9)');
  });

  test('count, mean, min, time and division by zero', () => {
    const r = run(trace([[500, '[1, 2, 3]'], [800, '[]']]), { wallMs: 1000 });
    // A run lasting `want` seconds, bounded by the aggregate of [1, 2, 3].
    const v = (e: Expr, text: string, want: number) =>
      evalBody({ kind: 'runtime', tolerance: tol(1), exprs: { about: ex(e, text) } }, run(trace([[want * 1000, '[1, 2, 3]']]), { wallMs: want * 1000 })).status;
    expect(v(agg('count'), 'count($delays)', 3)).toBe('passed');
    expect(v(agg('mean'), 'mean($delays)', 2)).toBe('passed');
    expect(v(agg('min'), 'min($delays)', 1)).toBe('passed');
    const t: Expr = { op: '*', a: { op: 'time', line: delays }, b: { op: 'num', value: 2 } };
    expect(evalBody({ kind: 'runtime', tolerance: tol(1), exprs: { about: ex(t, 'time($delays) * 2') } }, r).status).toBe('passed');
    const z: Expr = { op: '/', a: { op: 'num', value: 1 }, b: { op: '-', a: agg('count'), b: { op: 'num', value: 3 } } };
    const o = evalBody({ kind: 'runtime', tolerance: tol(1), exprs: { atMost: ex(z, '1 / (count($delays) - 3)') } }, r);
    expect(o.message).toBe('cannot be checked: the bound at most 1 / (count($delays) - 3) cannot be computed: it divides by zero');
  });
});
