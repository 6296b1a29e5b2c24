/** The expression mini-language: parsed into a tree (never eval'd), every problem positioned in the string. */

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseExpr, type ExprOf, type NameRef } from './expr.js';
import { parseSpec } from './load.js';

const diags = (text: string) => parseSpec(text, 'x.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);
const HEAD = 'lines: { d: "/^\\\\[(.*)\\\\]$/", took: "/took ([\\\\d.]+)/", start: start }\nchecks:\n';

describe('parseExpr', () => {
  test('precedence, unary minus, functions and aliases', () => {
    const r = parseExpr('runtime / 5 - -max($d) * 2');
    expect(r).toEqual({
      ok: true,
      expr: {
        op: '-',
        a: { op: '/', a: { op: 'runtime' }, b: { op: 'num', value: 5 } },
        b: { op: '*', a: { op: 'neg', a: { op: 'agg', fn: 'max', line: { name: 'd', offset: 19 } } }, b: { op: 'num', value: 2 } },
      },
    });
    expect(parseExpr('delay($a, $b-c)')).toMatchObject({ ok: true, expr: { op: 'delay', from: { name: 'a' }, to: { name: 'b-c' } } });
    expect(parseExpr('$a-$b')).toMatchObject({ ok: true, expr: { op: '-', a: { op: 'capture' }, b: { op: 'capture' } } });
  });

  test('problems carry the offset of the offending token', () => {
    expect(parseExpr('max(2)')).toMatchObject({ ok: false, offset: 4, message: "max( ) takes an $alias, not '2'" });
    expect(parseExpr('1 +')).toMatchObject({ ok: false, offset: 3, message: 'the expression ends too early' });
    expect(parseExpr('1 2')).toMatchObject({ ok: false, offset: 2, message: "unexpected '2' after a complete expression" });
    expect(parseExpr('2 ^ 3')).toMatchObject({ ok: false, offset: 2, message: "'^' is not part of an expression" });
    expect(parseExpr('avg($d)')).toMatchObject({ ok: false, offset: 0, message: "unknown name 'avg'" });
    expect(parseExpr('mx($d)')).toMatchObject({ ok: false, message: "unknown name 'mx' — did you mean 'max'?" });
  });

  test('property: a printed arithmetic tree parses back to the same value', () => {
    type T = ExprOf<NameRef>;
    const leaf = fc.integer({ min: 0, max: 99 }).map((value): T => ({ op: 'num', value }));
    const tree = fc.letrec<{ t: T }>((tie) => ({
      t: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.tuple(fc.constantFrom('+', '-', '*'), tie('t'), tie('t')).map(([op, a, b]): T => ({ op: op as '+', a, b }))),
    })).t;
    const show = (e: T): string => (e.op === 'num' ? String(e.value) : e.op === '+' || e.op === '-' || e.op === '*' ? `(${show(e.a)} ${e.op} ${show(e.b)})` : '');
    const value = (e: T): number => (e.op === 'num' ? e.value : e.op === '+' ? value(e.a) + value(e.b) : e.op === '-' ? value(e.a) - value(e.b) : e.op === '*' ? value(e.a) * value(e.b) : NaN);
    fc.assert(
      fc.property(tree, (t) => {
        const r = parseExpr(show(t));
        expect(r.ok).toBe(true);
        if (r.ok) expect(value(r.expr)).toBe(value(t));
      }),
      { numRuns: 200 },
    );
  });
});

describe('expressions in a spec', () => {
  test('value targets and runtime/delay bounds load as expressions; plain values keep their old meaning', () => {
    const r = parseSpec(
      HEAD +
        '  - { id: a, runtime: { about: "max($d)", tolerance: 0.3s } }\n' +
        '  - { id: b, value: { line: $took, about: "runtime / 5" } }\n' +
        '  - { id: c, delay: { from: $start, to: $took, at_most: "$took + 0.1" } }\n' +
        '  - { id: e, value: { line: $took, equals: hello, at_least: $took } }\n',
      'x.yaml',
    );
    expect(r.diagnostics).toEqual([]);
    const [a, b, c, e] = r.spec!.checks.map((x) => x.body);
    expect(a).toMatchObject({ kind: 'runtime', exprs: { about: { kind: 'expr', text: 'max($d)', expr: { op: 'agg', fn: 'max', line: { alias: 'd' } } } } });
    expect(a).not.toHaveProperty('aboutMs');
    expect(b).toMatchObject({ kind: 'value', about: { kind: 'expr', text: 'runtime / 5' } });
    expect(c).toMatchObject({ kind: 'delay', exprs: { atMost: { text: '$took + 0.1' } } });
    expect(e).toMatchObject({ equals: { kind: 'string', value: 'hello' }, atLeast: { kind: 'capture' } });
    // A text to compare that happens to hold a parenthesis or a $ stays a text under equals.
    const t = parseSpec(HEAD + '  - { id: t, value: { line: $took, equals: "done (ok) $5" } }\n  - { id: u, group: [$d, $start] }\n', 'x.yaml');
    expect(t.diagnostics).toEqual([]);
    expect(t.spec!.checks[0]!.body).toMatchObject({ equals: { kind: 'string', value: 'done (ok) $5' } });
    expect(r.spec!.checks[0]!.title).toBe('The run takes about max($d) s ± 300 ms');
  });

  test('errors point into the string, with a did-you-mean and a fix', () => {
    expect(diags(HEAD + '  - id: a\n    runtime: { about: "mx($d) / 2" }\n')).toEqual([
      "4:24 runtime.about: unknown name 'mx' — did you mean 'max'? (in the expression \"mx($d) / 2\")",
    ]);
    expect(diags(HEAD + '  - id: a\n    value: { line: $took, about: "runtime / $dd + max($start)" }\n')).toEqual([
      '4:45 about: undefined alias $dd — did you mean $d?',
      '4:55 about: $start captures nothing (it is not a regex), so it has no value to compute with',
    ]);
    expect(diags(HEAD + '  - id: a\n    value: { line: $took, at_most: "(runtime * 2" }\n')).toEqual([
      "4:49 at_most: expected ')' to close the parenthesis, found the end (in the expression \"(runtime * 2\")",
    ]);
    // A duration stays a duration: its own message, not an expression's.
    expect(diags(HEAD + '  - id: a\n    runtime: { about: 2 hours }\n')[0]).toMatch(/^4:23 about: '2 hours' is not a duration/);
  });
});
