/** The small pieces: durations, tolerances, sizes, suggestions, requires cycles, the schema itself. */

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CONSTRUCTS } from './checks.js';
import { parseDuration, parseTolerance } from './duration.js';
import { parseSpec } from './load.js';
import { findCycles } from './requires.js';
import { specSchema } from './schema.js';
import { parseSize } from './size.js';
import { didYouMean, editDistance } from './suggest.js';

describe('durations', () => {
  test.each([
    ['250ms', 250],
    ['0.25s', 250],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['2.5 s', 2500],
    ['.5s', 500],
    [2, 2000],
    [0.1, 100],
    ['0', 0],
  ])('%p → %p ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ms });
  });

  test.each(['2 sec', '2h', 'soon', '', '1,5s', true, null, [1]])('%p is refused with the fix', (input) => {
    const r = parseDuration(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/is not a duration: write 2s, 250ms, 1.5m or a number of seconds$/);
  });

  test('negative durations are refused', () => {
    expect(parseDuration('-1s', 'period')).toEqual({ ok: false, message: "period '-1s' is negative", hint: 'a period must be 0 or more' });
  });

  test('property: n ms, n/1000 s and n/1000 (bare) agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        const a = parseDuration(`${n}ms`);
        const b = parseDuration(`${n / 1000}s`);
        const c = parseDuration(n / 1000);
        return a.ok && b.ok && c.ok && a.value === n && Math.abs(b.value - n) < 1e-6 && Math.abs(c.value - n) < 1e-6;
      }),
    );
  });
});

describe('tolerances', () => {
  test('durations become ms, percentages relative', () => {
    expect(parseTolerance('0.2s')).toEqual({ ok: true, value: { ms: 200 } });
    expect(parseTolerance(0.15)).toEqual({ ok: true, value: { ms: 150 } });
    expect(parseTolerance('10%')).toEqual({ ok: true, value: { relative: 0.1 } });
    expect(parseTolerance('2.5 %')).toEqual({ ok: true, value: { relative: 0.025 } });
  });

  test('negative and malformed tolerances', () => {
    expect(parseTolerance('-10%')).toMatchObject({ ok: false, message: "tolerance '-10%' is negative" });
    expect(parseTolerance(-0.1)).toMatchObject({ ok: false, message: 'tolerance -0.1 is negative' });
    expect(parseTolerance('a bit')).toMatchObject({ ok: false, message: "'a bit' is not a tolerance: write a duration (0.2s, 150ms, 0.2) or a percentage (10%)" });
  });
});

describe('sizes', () => {
  test.each([
    ['256MB', 256 * 1024 ** 2],
    ['64KB', 64 * 1024],
    ['1GB', 1024 ** 3],
    ['1.5 GiB', 1.5 * 1024 ** 3],
    ['512', 512],
    [4096, 4096],
    ['10m', 10 * 1024 ** 2],
  ])('%p → %p bytes', (input, bytes) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });
  test.each(['lots', '5TB', '-1MB', -5])('%p is refused', (input) => {
    expect(parseSize(input).ok).toBe(false);
  });
});

describe('suggestions', () => {
  test('edit distance counts a transposition as one edit', () => {
    expect(editDistance('chekcs', 'checks')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
  test('only plausible typos are suggested', () => {
    expect(didYouMean('chekcs', ['name', 'checks', 'lines'])).toBe('checks');
    expect(didYouMean('don', ['done', 'start'])).toBe('done');
    expect(didYouMean('Title', ['title'])).toBe('title');
    expect(didYouMean('frobnicate', ['name', 'checks'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});

describe('requires cycles', () => {
  test('none in a DAG', () => {
    expect(findCycles(['a', 'b', 'c'], new Map([['c', ['a', 'b']], ['b', ['a']]]))).toEqual([]);
  });
  test('each cycle once, starting at its earliest check', () => {
    const reqs = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(findCycles(['a', 'b', 'c', 'd', 'e'], reqs)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(findCycles(['e', 'c', 'b', 'a'], reqs)).toEqual([['c', 'a', 'b']]);
  });
});

describe('the JSON Schema', () => {
  const schema = specSchema() as Record<string, unknown>;

  /** Every schema object with `properties`, with its path. */
  function objects(node: unknown, path: string, out: [string, Record<string, unknown>][] = []): [string, Record<string, unknown>][] {
    if (!node || typeof node !== 'object') return out;
    const n = node as Record<string, unknown>;
    if (n.properties) out.push([path, n]);
    for (const [k, v] of Object.entries(n)) if (v && typeof v === 'object') objects(v, `${path}/${k}`, out);
    return out;
  }

  test('every property has a description and every object refuses unknown keys', () => {
    const objs = objects(schema, '#');
    expect(objs.length).toBeGreaterThan(10);
    const undocumented: string[] = [];
    const open: string[] = [];
    for (const [path, obj] of objs) {
      if (obj.additionalProperties !== false) open.push(path);
      for (const [key, prop] of Object.entries(obj.properties as Record<string, Record<string, unknown>>)) {
        if (typeof prop.description !== 'string' || prop.description.length < 10) undocumented.push(`${path}/${key}`);
      }
    }
    expect(undocumented).toEqual([]);
    expect(open).toEqual([]);
  });

  test('the check object lists exactly the constructs the loader knows, plus the modifiers', () => {
    const check = (schema.definitions as Record<string, { properties: Record<string, unknown> }>).check!;
    const modifiers = ['id', 'title', 'points', 'hint', 'visibility', 'requires', 'partial', 'stream', 'scope', 'strict', 'run'];
    expect(Object.keys(check.properties).sort()).toEqual([...modifiers, ...CONSTRUCTS].sort());
  });
});

describe('robustness', () => {
  // Arbitrary spec-shaped data: known keys with random values, so every code path sees wrong shapes.
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 300 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constantFrom('$done', '/(/', '/x/i', '2s', '-1s', '10%', 'runtime', 'clean', 'SIGKILL', 'none'));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('line', 'from', 'to', 'about', 'at_most', 'at_least', 'tolerance', 'time', 'period', 'exactly', 'text', 'regex', 'alias', 'stream', 'occurrence', 'list', 'group', 'after', 'before', 'concurrent', 'name'), tie('v'), { maxKeys: 4 })),
  })).v;
  const check = fc.dictionary(fc.constantFrom('id', 'title', 'points', 'requires', 'partial', 'stream', 'scope', 'strict', ...CONSTRUCTS), value, { maxKeys: 5 });
  const spec = fc.record(
    {
      lines: fc.dictionary(fc.constantFrom('done', 'start', 'x y'), value, { maxKeys: 3 }),
      run: fc.dictionary(fc.constantFrom('runtime', 'entry', 'files', 'limits', 'clock', 'command', 'repeat', 'policy'), value, { maxKeys: 3 }),
      timing: value,
      checks: fc.oneof(fc.array(check, { maxLength: 4 }), value),
    },
    { requiredKeys: [] },
  );

  test('parseSpec never throws, and every diagnostic is positioned inside the file', () => {
    fc.assert(
      fc.property(spec, (data) => {
        const text = stringify(data);
        const lines = text.split('\n').length;
        const r = parseSpec(text, 'fuzz.yaml');
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        // A spec comes back exactly when there is no error.
        if ((r.spec !== undefined) === errors.length > 0) return false;
        return r.diagnostics.every((d) => d.file === 'fuzz.yaml' && d.message.length > 0 && d.line >= 0 && d.line <= lines && (d.line === 0 || d.col >= 1));
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = parseSpec(text, 'x.yaml');
        return Array.isArray(r.diagnostics);
      }),
      { numRuns: 300 },
    );
  });
});
