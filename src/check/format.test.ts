import { cite, citeShort, describe, fmtDuration, fmtSpecDuration, fmtTime, quote } from './format.js';
import { sel, trace } from './testkit.js';

test('times are seconds with 2 decimals', () => {
  expect(fmtTime(2570)).toBe('2.57 s');
  expect(fmtTime(0)).toBe('0.00 s');
});

test('measured durations: ≥ 1 s in s, < 1 s in ms', () => {
  expect(fmtDuration(2070)).toBe('2.07 s');
  expect(fmtDuration(730.4)).toBe('730 ms');
  expect(fmtDuration(999.7)).toBe('1.00 s');
  expect(fmtDuration(0.2)).toBe('0.20 ms');
  expect(fmtDuration(0)).toBe('0 ms');
});

test('spec durations drop useless zeros', () => {
  expect(fmtSpecDuration(2000)).toBe('2 s');
  expect(fmtSpecDuration(2500)).toBe('2.5 s');
  expect(fmtSpecDuration(250)).toBe('250 ms');
});

test('quoting: double quotes around single quotes, control characters visible, long lines cut', () => {
  expect(quote("{'data': 1}")).toBe(`"{'data': 1}"`);
  expect(quote('a\tb\x1b')).toBe("'a\\tb\\x1b'");
  expect(quote('x'.repeat(200))).toHaveLength(82);
});

test('citations', () => {
  const t = trace([[0, 'a'], [2070, 'Done fetching', 'stderr']]);
  expect(cite(t, 1)).toBe("'Done fetching' at 2.07 s (trace line 2, stderr)");
  expect(citeShort(t, 0)).toBe("'a' (0.00 s, trace line 1)");
});

test('selectors are described by what they match, not by alias', () => {
  expect(describe(sel('done fetching', { alias: 'done', display: '$done' }))).toBe("'done fetching'");
  expect(describe(sel('/^\\d$/'))).toBe('/^\\d$/');
  expect(describe(sel('x', { kind: 'contains', pattern: 'Traceback', stream: 'stderr' }))).toBe("a line containing 'Traceback' on stderr");
  expect(describe(sel('done', { ignoreCase: true }))).toBe("'done' (any case)");
});
