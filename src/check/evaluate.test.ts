import { evaluateChecks } from './evaluate.js';
import { check, run, sel, spec, trace } from './testkit.js';

const r = run(trace([[0, 'tim'], [1000, 'text'], [2000, 'finished']]));

describe('evaluateChecks', () => {
  test('outcomes come in spec order with the check ids', () => {
    const s = spec([
      check('b', { kind: 'exists', line: sel('text') }),
      check('a', { kind: 'exists', line: sel('tim') }),
    ]);
    expect(evaluateChecks(s, r).map((o) => [o.id, o.status])).toEqual([['b', 'passed'], ['a', 'passed']]);
  });

  test('a check whose requirement failed is skipped, naming it: one failure, not a cascade', () => {
    const s = spec([
      check('has-done', { kind: 'exists', line: sel('done') }),
      check('done-after-text', { kind: 'order', lines: [sel('text'), sel('done')], strict: false }, { requires: ['has-done'] }),
      check('done-last', { kind: 'last', line: sel('done') }, { requires: ['done-after-text'] }),
    ]);
    const out = evaluateChecks(s, r);
    expect(out.map((o) => o.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(out[1]!.message).toBe("skipped: needs 'has-done', which failed");
    expect(out[2]!.message).toBe("skipped: needs 'done-after-text', which was skipped");
    expect(out[1]!.fraction).toBe(0);
  });

  test('requirements may point forward; passing requirements let the check run', () => {
    const s = spec([
      check('order', { kind: 'order', lines: [sel('tim'), sel('finished')], strict: false }, { requires: ['exists'] }),
      check('exists', { kind: 'exists', line: sel('tim') }),
    ]);
    expect(evaluateChecks(s, r).map((o) => o.status)).toEqual(['passed', 'passed']);
  });

  test('several unmet requirements are all named', () => {
    const s = spec([
      check('x', { kind: 'exists', line: sel('nope') }),
      check('y', { kind: 'exists', line: sel('nada') }),
      check('z', { kind: 'exists', line: sel('tim') }, { requires: ['x', 'y'] }),
    ]);
    expect(evaluateChecks(s, r)[2]!.message).toBe("skipped: needs 'x', which failed and 'y', which failed");
  });

  test('the skip message gives the required check\'s title: students see checks by title, not id', () => {
    const s = spec([
      check('has-done', { kind: 'exists', line: sel('done') }, { title: 'Prints "done"' }),
      check('later', { kind: 'exists', line: sel('tim') }, { requires: ['has-done'] }),
    ]);
    expect(evaluateChecks(s, r)[1]!.message).toBe(`skipped: needs 'has-done' (Prints "done"), which failed`);
  });

  test('a cycle (rejected by validation) does not hang', () => {
    const s = spec([
      check('p', { kind: 'exists', line: sel('tim') }, { requires: ['q'] }),
      check('q', { kind: 'exists', line: sel('tim') }, { requires: ['p'] }),
    ]);
    expect(evaluateChecks(s, r).map((o) => o.status)).toEqual(['skipped', 'skipped']);
  });

  test('an invalid regex that slipped past validation fails that check only, saying why', () => {
    const s = spec([
      check('bad', { kind: 'exists', line: sel('/(unclosed/') }),
      check('good', { kind: 'exists', line: sel('tim') }),
    ]);
    const out = evaluateChecks(s, r);
    expect(out[0]).toMatchObject({ status: 'failed', category: 'error' });
    expect(out[0]!.message).toMatch(/^could not evaluate this check: .*regular expression/i);
    expect(out[1]!.status).toBe('passed');
  });

  test('an empty trace fails line checks but not absence checks', () => {
    const s = spec([
      check('e', { kind: 'exists', line: sel('tim') }),
      check('a', { kind: 'absent', line: sel('/Traceback/', { stream: 'stderr' }) }),
      check('o', { kind: 'order', lines: [sel('a'), sel('b')], strict: false }),
      check('g', { kind: 'group', lines: [sel('a')] }),
      check('c', { kind: 'count', line: sel('a'), exactly: 0 }),
    ]);
    expect(evaluateChecks(s, run([])).map((o) => o.status)).toEqual(['failed', 'passed', 'failed', 'failed', 'passed']);
  });

  test('every failed outcome has a message and a fraction in [0, 1)', () => {
    const s = spec([
      check('e', { kind: 'exists', line: sel('x') }),
      check('o', { kind: 'order', lines: [sel('finished'), sel('tim')], strict: false }),
      check('v', { kind: 'every', line: sel('/./'), periodMs: 10, tolerance: { ms: 1 } }),
    ]);
    for (const o of evaluateChecks(s, r)) {
      expect(o.status).toBe('failed');
      expect(o.message.length).toBeGreaterThan(20);
      expect(o.fraction).toBeGreaterThanOrEqual(0);
      expect(o.fraction).toBeLessThan(1);
    }
  });
});
