import { editDistance, findAll, findFrom, findNearMiss, matches, regexLiteral, select, substringDistance } from './match.js';
import { sel, trace } from './testkit.js';

describe('matching a selector against one line', () => {
  const line = (text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ tMs: 0, text, stream });

  test('text matches the whole line, ignoring trailing whitespace and \\r', () => {
    const s = sel('done fetching');
    expect(matches(s, line('done fetching'))).toBe(true);
    expect(matches(s, line('done fetching  \r'))).toBe(true);
    expect(matches(s, line('done fetching!'))).toBe(false);
    expect(matches(s, line(' done fetching'))).toBe(false); // leading space is significant
    expect(matches(s, line('Done fetching'))).toBe(false);
    expect(matches(sel('done fetching', { ignoreCase: true }), line('DONE Fetching'))).toBe(true);
  });

  test('contains and regex search inside the line', () => {
    expect(matches(sel('x', { kind: 'contains', pattern: 'fetch' }), line('done fetching'))).toBe(true);
    expect(matches(sel('x', { kind: 'contains', pattern: 'Fetch', ignoreCase: true }), line('done fetching'))).toBe(true);
    expect(matches(sel('/^\\d$/'), line('7'))).toBe(true);
    expect(matches(sel('/^\\d$/'), line('17'))).toBe(false);
    expect(matches(sel('/done/i'), line('DONE'))).toBe(true);
    // A 'g' flag must not make matching stateful.
    const g = sel('/a/g');
    expect([1, 2, 3].map(() => matches(g, line('a')))).toEqual([true, true, true]);
  });

  test('streams: stdout, stderr, any', () => {
    expect(matches(sel('boom'), line('boom', 'stderr'))).toBe(false);
    expect(matches(sel('boom', { stream: 'stderr' }), line('boom', 'stderr'))).toBe(true);
    expect(matches(sel('boom', { stream: 'any' }), line('boom', 'stderr'))).toBe(true);
    expect(matches(sel('boom', { stream: 'stderr' }), line('boom'))).toBe(false);
  });
});

describe('finding matches in a trace', () => {
  const t = trace([[0, 'a'], [1, 'b'], [2, 'a', 'stderr'], [3, 'a'], [4, 'c'], [5, 'a']]);

  test('findAll respects stream and range', () => {
    expect(findAll(sel('a'), t)).toEqual([0, 3, 5]);
    expect(findAll(sel('a', { stream: 'any' }), t)).toEqual([0, 2, 3, 5]);
    expect(findAll(sel('a'), t, { from: 1, to: 5 })).toEqual([3]);
  });

  test('findFrom starts each search at the given position (FileCheck)', () => {
    expect(findFrom(sel('a'), t, 0)).toBe(0);
    expect(findFrom(sel('a'), t, 1)).toBe(3);
    expect(findFrom(sel('a'), t, 4)).toBe(5);
    expect(findFrom(sel('a'), t, 6)).toBe(-1);
    expect(findFrom(sel('a'), t, 1, 3)).toBe(-1);
  });

  test('occurrence: first, last, every, nth', () => {
    expect(select(sel('a'), t)).toEqual([0]);
    expect(select(sel('a', { occurrence: 'last' }), t)).toEqual([5]);
    expect(select(sel('a', { occurrence: 'every' }), t)).toEqual([0, 3, 5]);
    expect(select(sel('a', { occurrence: 2 }), t)).toEqual([3]);
    expect(select(sel('a', { occurrence: 4 }), t)).toEqual([]);
    expect(select(sel('z'), t)).toEqual([]);
  });
});

describe('near misses ("possible intended match here")', () => {
  test('same text in another case is named, with time and line', () => {
    const t = trace([[0, 'start fetching'], [2070, 'Done fetching']]);
    const n = findNearMiss(sel('done fetching'), t)!;
    expect(n.index).toBe(1);
    expect(n.reason).toBe('case');
    expect(n.message).toBe("'Done fetching' at 2.07 s (trace line 2) differs in case");
  });

  test('different spacing', () => {
    const t = trace([[0, 'done  fetching ']]);
    expect(findNearMiss(sel('done fetching'), t)?.reason).toBe('whitespace');
    expect(findNearMiss(sel('Done fetching'), t)?.reason).toBe('case-and-whitespace');
  });

  test('the right text on the other stream', () => {
    const t = trace([[0, 'x'], [10, 'done fetching', 'stderr']]);
    const n = findNearMiss(sel('done fetching'), t)!;
    expect(n.reason).toBe('stream');
    expect(n.note).toBe('is on stderr, not stdout');
  });

  test('closest line by edit distance, only when reasonably close', () => {
    const t = trace([[0, 'start fetching'], [5, 'done fethcing'], [6, 'something else entirely']]);
    const n = findNearMiss(sel('done fetching'), t)!;
    expect(n.index).toBe(1);
    expect(n.reason).toBe('similar');
    expect(n.distance).toBe(2);
    expect(findNearMiss(sel('completely different'), t)).toBeUndefined();
  });

  test('very short texts get no fuzzy match ("8" is not a typo of "9")', () => {
    expect(findNearMiss(sel('8'), trace([[0, '9']]))).toBeUndefined();
  });

  test('simple regexes are treated as their literal', () => {
    expect(regexLiteral('^done fetching$')).toEqual({ literal: 'done fetching', whole: true });
    expect(regexLiteral('took \\d+')).toBeUndefined();
    const n = findNearMiss(sel('/^done fetching$/'), trace([[0, 'done fetchin']]))!;
    expect(n.reason).toBe('similar');
  });

  test('lines that already match, or are excluded, are not offered', () => {
    const t = trace([[0, 'Done fetching'], [1, 'DONE FETCHING']]);
    expect(findNearMiss(sel('done fetching'), t, new Set([0]))?.index).toBe(1);
  });

  test('edit distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3); // gives up past the bound
    expect(substringDistance('fetch', 'done fetching')).toBe(0);
    expect(substringDistance('fetch', 'done fecth it')).toBe(2);
  });
});
