import fc from 'fast-check';
import type { Spec } from '../spec/types.js';
import { check, doneAfterNineTrace, fetchAndCountSpec, fetchAndCountTrace, run, sel, sequentialFetchTrace, spec, trace } from '../check/testkit.js';
import { combineRuns, policyCredit } from './combine.js';
import { scoreSubmission } from './score.js';

const meta = { id: 'alice', path: 'submissions/alice', gradedAt: '2026-11-26T08:00:00.000Z', durationMs: 1234 };
const withPolicy = (s: Spec, policy: Spec['run']['policy'], repeat: number): Spec => ({ ...s, run: { ...s.run, policy, repeat } });
const checkOf = (r: ReturnType<typeof scoreSubmission>, id: string) => r.checks.find((c) => c.id === id)!;

describe('scoreSubmission', () => {
  test('a correct submission gets full marks; the result carries spec and meta', () => {
    const r = scoreSubmission(fetchAndCountSpec(), [fetchAndCountTrace()], meta);
    expect(r).toMatchObject({ id: 'alice', path: 'submissions/alice', spec: 'fetch-and-count', score: 13, maxScore: 13, gradedAt: meta.gradedAt, durationMs: 1234 });
    expect(r.error).toBeUndefined();
    expect(r.checks.every((c) => c.status === 'passed' && c.points === c.maxPoints)).toBe(true);
    expect(r.checks.every((c) => c.hint === undefined)).toBe(true); // hints are for failures
    expect(checkOf(r, 'no-traceback').visibility).toBe('hidden');
    expect(r.runs).toHaveLength(1);
  });

  test('a run whose trace was tampered with scores 0 on every check and says why (issue 10)', () => {
    const r = scoreSubmission(fetchAndCountSpec(), [{ ...fetchAndCountTrace(), tampered: 'side-channel records are numbered 3 then 9' }], meta);
    expect(r.score).toBe(0);
    expect(r.tampered).toBe('side-channel records are numbered 3 then 9');
    expect(r.error).toBe('trace tampered (score 0, flagged for review): side-channel records are numbered 3 then 9');
    expect(r.checks.every((c) => c.status === 'failed' && c.points === 0 && c.message === r.error)).toBe(true);
  });

  test('the sequential mistake: failures score 0, the dependent check is skipped, hints shown', () => {
    const r = scoreSubmission(fetchAndCountSpec(), [sequentialFetchTrace()], meta);
    expect(r.score).toBe(8);
    expect(checkOf(r, 'done-around-eight')).toMatchObject({ status: 'failed', points: 0, maxPoints: 2, category: 'violated' });
    expect(checkOf(r, 'done-around-eight').hint).toContain('asyncio.create_task');
    expect(checkOf(r, 'value-after-done')).toMatchObject({ status: 'skipped', points: 0 });
    expect(checkOf(r, 'done-around-eight').lines.length).toBeGreaterThan(0);
    expect(checkOf(r, 'overlapping-runtime').windows).toEqual([{ fromMs: 2200, toMs: 3400, label: 'end of run expected' }]);
  });

  test('partial credit: points = max × fraction, rounded to 2 decimals', () => {
    const s = spec([
      check('order', { kind: 'order', lines: ['a', 'b', 'c'].map((x) => sel(x)), strict: false }, { partial: true, points: 2 }),
      check('strict', { kind: 'order', lines: ['a', 'b', 'c'].map((x) => sel(x)), strict: false }, { points: 2 }),
    ]);
    const r = scoreSubmission(s, [run(trace([[0, 'a'], [1, 'c']]))], meta);
    expect(checkOf(r, 'order')).toMatchObject({ status: 'failed', points: 0.67, fraction: 1 / 3 });
    expect(checkOf(r, 'strict').points).toBe(0); // not partial: all or nothing
    expect(r.score).toBe(0.67);
  });

  test('specLine comes from the check location', () => {
    const s = spec([check('a', { kind: 'exists', line: sel('x') }, { loc: { file: 'spec.yaml', line: 12, col: 5 } })]);
    expect(scoreSubmission(s, [run([])], meta).checks[0]!.specLine).toBe(12);
  });

  test('a run that could not be made fails every check with its error, score 0', () => {
    const r = scoreSubmission(fetchAndCountSpec(), [run([], { error: "entry file 'main.py' not found", exitCode: null, end: 'error' })], meta);
    expect(r.error).toBe("entry file 'main.py' not found");
    expect(r.score).toBe(0);
    expect(r.maxScore).toBe(13);
    expect(r.checks.every((c) => c.status === 'failed' && c.points === 0 && c.message.includes("entry file 'main.py' not found"))).toBe(true);
  });

  test('no runs at all is an error too', () => {
    expect(scoreSubmission(fetchAndCountSpec(), [], meta).error).toBe('no run was recorded');
  });
});

describe('repeated runs and policies', () => {
  // Two good runs and one where "done fetching" came after 9.
  const runs = [fetchAndCountTrace(), doneAfterNineTrace(), fetchAndCountTrace()];

  test('a check that passes in some runs and fails in others is unstable, with every run kept', () => {
    const r = scoreSubmission(withPolicy(fetchAndCountSpec(), 'all', 3), runs, meta);
    const c = checkOf(r, 'done-around-eight');
    expect(c.status).toBe('unstable');
    expect(c.perRun!.map((p) => p.status)).toEqual(['passed', 'failed', 'passed']);
    expect(c.run).toBe(1); // the message and lines are about the failing run
    expect(c.message).toMatch(/^unstable: passed in 2 of 3 runs \(policy 'all': 0 of 2 points\)\. Run 2: expected 'done fetching' after '7'/);
    expect(c.lines.some((l) => l.role === 'offending' && l.text === 'done fetching')).toBe(true);
    expect(c.hint).toBeDefined();
    expect(checkOf(r, 'starts-fetching')).toMatchObject({ status: 'passed', points: 1 });
    expect(checkOf(r, 'starts-fetching').message).toMatch(/\(passed in all 3 runs\)$/);
  });

  test('policy all → 0, best → full, majority → by vote', () => {
    const pts = (policy: Spec['run']['policy'], rs = runs) => checkOf(scoreSubmission(withPolicy(fetchAndCountSpec(), policy, rs.length), rs, meta), 'done-around-eight').points;
    expect(pts('all')).toBe(0);
    expect(pts('best')).toBe(2);
    expect(pts('majority')).toBe(2); // 2 of 3 passed
    expect(pts('majority', [fetchAndCountTrace(), doneAfterNineTrace()])).toBe(0); // 1 of 2 is no majority
    expect(pts('majority', [doneAfterNineTrace(), doneAfterNineTrace(), fetchAndCountTrace()])).toBe(0);
  });

  test('policy credits over partial fractions', () => {
    expect(policyCredit([1, 0.5, 0], 'all')).toBe(0);
    expect(policyCredit([1, 0.5, 0], 'best')).toBe(1);
    expect(policyCredit([1, 0.5, 0], 'majority')).toBe(0.5);
    expect(policyCredit([0.2, 0.9, 0.9, 0.1], 'majority')).toBe(0.2); // reached by 3 of 4
    expect(policyCredit([], 'best')).toBe(0);
  });

  test('failing in every run is failed, not unstable; all skipped is skipped', () => {
    const c = check('x', { kind: 'exists', line: sel('x') });
    const fail = { id: 'x', status: 'failed' as const, fraction: 0, message: 'm', lines: [], windows: [] };
    const skip = { ...fail, status: 'skipped' as const, message: "skipped: needs 'y', which failed" };
    expect(combineRuns(c, [fail, fail], 'best')).toMatchObject({ status: 'failed', points: 0 });
    expect(combineRuns(c, [fail, fail], 'best').message).toMatch(/^failed in all 2 runs\. Run 1: m$/);
    expect(combineRuns(c, [skip, skip], 'best').status).toBe('skipped');
    expect(combineRuns(c, [skip, fail], 'best').status).toBe('failed');
  });
});

describe('combining runs (properties)', () => {
  test('points stay within [0, max]; all ≤ majority ≤ best; unstable exactly when runs disagree on passing', () => {
    const outcomeArb = fc.record({
      status: fc.constantFrom('passed' as const, 'failed' as const, 'skipped' as const),
      fraction: fc.double({ min: 0, max: 0.99, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(outcomeArb, { minLength: 1, maxLength: 7 }), fc.boolean(), fc.integer({ min: 0, max: 5 }), (rs, partial, points) => {
        const c = check('x', { kind: 'exists', line: sel('x') }, { partial, points });
        const outs = rs.map((r) => ({ id: 'x', status: r.status, fraction: r.status === 'passed' ? 1 : r.status === 'skipped' ? 0 : r.fraction, message: r.status, lines: [], windows: [] }));
        const all = combineRuns(c, outs, 'all');
        const maj = combineRuns(c, outs, 'majority');
        const best = combineRuns(c, outs, 'best');
        for (const x of [all, maj, best]) {
          expect(x.points).toBeGreaterThanOrEqual(0);
          expect(x.points).toBeLessThanOrEqual(points);
        }
        expect(all.points).toBeLessThanOrEqual(maj.points);
        expect(maj.points).toBeLessThanOrEqual(best.points);
        const passes = rs.filter((r) => r.status === 'passed').length;
        expect(all.status === 'unstable').toBe(passes > 0 && passes < rs.length);
        if (rs.length > 1) expect(all.perRun).toHaveLength(rs.length);
        if (!partial) for (const x of [all, maj, best]) expect([0, points]).toContain(x.points);
      }),
    );
  });
});

describe('docs/spec-language.md "Scoring" says what the code does', () => {
  test('the section exists, names every policy, and its worked examples hold', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile('docs/spec-language.md', 'utf8');
    const section = /## Scoring\n([\s\S]*?)\n## /.exec(doc)?.[1];
    expect(section).toBeDefined();
    for (const policy of ['all', 'majority', 'best']) expect(section).toContain(`| \`${policy}\``);
    for (const word of ['partial', 'requires', 'unstable', 'could not run the submission', 'rounded to 2 decimals']) expect(section).toContain(word);
    // "8 of 10 numbers in order on a 2-point `order` is 0.8 × 2 = 1.6"
    const ten = Array.from({ length: 10 }, (_, i) => sel(String(i)));
    const s = spec([check('counts', { kind: 'order', lines: ten, strict: false }, { partial: true, points: 2 })]);
    const eight = run(trace(Array.from({ length: 8 }, (_, i) => [i * 250, String(i)] as [number, string])));
    expect(scoreSubmission(s, [eight], meta).checks[0]!.points).toBe(1.6);
    // "unstable: passed in 2 of 3 runs (policy 'majority': 2 of 2 points)"
    const r = scoreSubmission(withPolicy(fetchAndCountSpec(), 'majority', 3), [fetchAndCountTrace(), doneAfterNineTrace(), fetchAndCountTrace()], meta);
    const quoted = /`(unstable: passed in 2 of 3\s+runs \(policy 'majority': 2 of 2 points\))`/.exec(section!)?.[1]?.replace(/\s+/g, ' ');
    expect(quoted).toBeDefined();
    expect(checkOf(r, 'done-around-eight').message.startsWith(quoted!)).toBe(true);
  });
});
