/** `all` / `any`: every part (or one) must hold; the explanation names the failing part. */

import { describe, expect, test } from '@jest/globals';
import type { CheckBody } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { evaluateCheck } from './evaluate.js';
import { check, run, sel, spec, trace } from './testkit.js';

const evalBody = (body: CheckBody, r: RunRecord) => {
  const c = check('c', body);
  return evaluateCheck(spec([c]), r, c);
};

const digits = ['0', '1', '2'].map((d) => sel(d));
const once: CheckBody = { kind: 'count', line: sel('/^\\d$/'), exactly: 3 };
const inOrder: CheckBody = { kind: 'order', lines: digits, strict: false };
const eachOnceInOrder: CheckBody = { kind: 'all', parts: [once, inOrder] };

describe('all', () => {
  test('passes when every part holds, and says what each saw', () => {
    const o = evalBody(eachOnceInOrder, run(trace([[0, '0'], [1, '1'], [2, '2']])));
    expect(o.status).toBe('passed');
    expect(o.message).toMatch(/^all 2 parts hold: 1\) .*; 2\) /);
  });

  test('names the failing part by what it checks, with its own explanation and evidence', () => {
    // Each number once, but out of order: the count holds, the order does not.
    const o = evalBody(eachOnceInOrder, run(trace([[0, '0'], [1, '2'], [2, '1']])));
    expect(o.status).toBe('failed');
    expect(o.category).toBe('violated');
    expect(o.message).toMatch(/^1 of 2 parts does not hold\. Part 2 \(Prints '0', '1', '2' in this order\) fails: .* \(part 1 holds\)$/);
    expect(o.fraction).toBeGreaterThan(0.5);
    expect(o.fraction).toBeLessThan(1);
    expect(o.lines.length).toBeGreaterThan(0);
  });

  test('a duplicate fails the count part, not the order part', () => {
    const o = evalBody(eachOnceInOrder, run(trace([[0, '0'], [1, '1'], [2, '1'], [3, '2']])));
    expect(o.status).toBe('failed');
    expect(o.message).toContain('Part 1 (Prints /^\\d$/ exactly 3 times) fails: ');
    expect(o.message).toContain('(part 2 holds)');
  });
});

describe('any', () => {
  const either: CheckBody = { kind: 'any', parts: [{ kind: 'exists', line: sel('done') }, { kind: 'exit_code', code: 3 }] };

  test('passes on the first part that holds, naming it', () => {
    const o = evalBody(either, run(trace([[0, 'x']]), { exitCode: 3 }));
    expect(o.status).toBe('passed');
    expect(o.message).toBe('part 2 (Exits with code 3) holds: exited with code 3');
  });

  test('fails when no part holds, with every part\'s reason', () => {
    const o = evalBody(either, run(trace([[0, 'x']])));
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/^none of the 2 parts holds, and one must: part 1 \(Prints 'done'\): .*; part 2 \(Exits with code 3\): /);
  });
});
