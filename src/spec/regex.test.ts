/** Spec regexes run on RE2: linear time on hostile text, same answers as JS RegExp where both run. */

import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { matchesText } from '../check/match.js';
import { capture } from '../check/values/parse.js';
import type { LineSelector } from './types.js';
import { compileLinear, isProblem, type LinearRegex } from './regex.js';

const sel = (pattern: string, flags?: string): LineSelector => ({
  kind: 'regex',
  pattern,
  stream: 'stdout',
  occurrence: 'first',
  display: `/${pattern}/`,
  ...(flags ? { flags } : {}),
});

const linear = (pattern: string, flags = ''): LinearRegex => {
  const r = compileLinear(pattern, flags);
  if (isProblem(r)) throw new Error(r.message);
  return r;
};

describe('ReDoS', () => {
  test('/^(a+)+$/ against a 100 000-character line answers in well under a second', () => {
    const line = `${'a'.repeat(100_000)}!`; // the backtracking engine needed 38 s for 28 characters
    const t0 = performance.now();
    expect(matchesText(sel('^(a+)+$'), line)).toBe(false);
    expect(capture(sel('^(a+)+$'), 1, line)).toBeUndefined();
    expect(matchesText(sel('^(\\w+\\s?)*$'), `${'word '.repeat(20_000)}#`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('the JS syntax the spec language documents keeps its meaning', () => {
  const patterns: [string, string][] = [
    ['^done fetching$', ''],
    ['^DONE', 'i'],
    ['^took (\\d+(?:\\.\\d+)?) s$', ''],
    ['^(?<n>\\d+) items?$', ''],
    ['^\\s*x\\s*$', ''],
    ['^\\S+$', ''],
    ['^a.c$', ''],
    ['^a.c$', 's'],
    ['[^]b', ''],
    ['\\u0041\\x42', ''],
    ['\\u{1F600}', 'u'],
    ['^\\p{Lu}', 'u'],
    ['^\\p{Script=Greek}+$', 'u'],
    ['\\bword\\b', ''],
    ['^[\\s\\d]+$', ''],
    ['^[\\b]$', ''],
    ['\\cJ', ''],
    ['^a$', 'm'],
    ['(?<=\\$)\\d+', ''],
    ['(?<!-)\\b\\d+', ''],
    ['a{2,3}?', ''],
    ['\\/tmp\\/', ''],
  ];
  const samples = ['done fetching', 'DONE x', 'done', 'took 2.5 s', 'took 3 s', '12 items', '1 item', ' x ', '\u00a0x\u3000', 'a\u00a0b', 'abc', 'a\rc', 'a\nc', 'a\u2028c',
    'xb', '\nb', 'AB', '😀', 'Émile', 'αβγ', 'a word here', 'words', '12 3', '\b', '\n', 'x\na', 'cost $42', '-7 and 8', 'aaaa', '/tmp/x', ''];

  test.each(patterns)('/%s/%s: test and exec agree with RegExp on samples', (pattern, flags) => {
    const js = new RegExp(pattern, flags);
    const re = linear(pattern, flags);
    for (const s of samples) {
      expect([s, re.test(s)]).toEqual([s, js.test(s)]);
      const a = re.exec(s);
      const b = js.exec(s);
      expect([s, a ? [...a] : null]).toEqual([s, b ? [...b] : null]);
      if (b?.groups) expect({ ...a!.groups }).toEqual({ ...b.groups });
    }
  });

  test('property: on random text over a hostile alphabet, RE2 and RegExp agree', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', ' ', '\u00a0', '\r', '\n', '1', '.', '😀', '\u202e', '-', '$');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }).map((a) => a.join('')), (s) => {
        for (const [p, f] of patterns) expect([p, s, linear(p, f).test(s)]).toEqual([p, s, new RegExp(p, f).test(s)]);
      }),
      { numRuns: 300 },
    );
  });

  test('group counts and names', () => {
    const re = linear('^(?<a>x)(y)(?:z)?');
    expect(re.groupCount).toBe(2);
    expect(re.groupNames).toEqual(['a']);
  });
});

describe('constructs that need backtracking are refused with their position', () => {
  test.each([
    ['done(?=!)', 4, /lookahead/],
    ['x(?!y)', 1, /lookahead/],
    ['(\\w)\\1', 4, /backreference \\1/],
    ['(?<q>.)\\k<q>', 7, /named backreference/],
    ['[\\p{L}--[a-z]]', 6, /v flag/, 'v'],
  ])('/%s/', (pattern, index, message, flags = '') => {
    const r = compileLinear(pattern, flags);
    expect(isProblem(r)).toBe(true);
    if (!isProblem(r)) return;
    expect(r.index).toBe(index);
    expect(r.message).toMatch(message);
    expect(r.fix.length).toBeGreaterThan(10);
  });

  test('RE2 limits are explained: repeat counts above 1000', () => {
    const r = compileLinear('a{1001}');
    expect(isProblem(r) && r.message).toMatch(/repeat count/);
    expect(isProblem(r) && r.fix).toMatch(/1000/);
  });
});
