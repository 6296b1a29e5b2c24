import { buildCreditModel, creditModel } from './credit-groups.js';
import { checkEarned, checkLost, submissionCredit } from './credit.js';
import type { CheckResult, GradeResults, SubmissionResult } from './types.js';
import type { RunRecord } from '../trace/types.js';

const run = (over: Partial<RunRecord> = {}): RunRecord => ({
  exitCode: 0, signal: null, timedOut: false, truncated: false, end: 'exited', wallMs: 100, clock: 'real', sandbox: { level: 'none' }, trace: [], ...over,
});
const check = (id: string, status: CheckResult['status'], points: number, maxPoints = 2, visibility: CheckResult['visibility'] = 'visible'): CheckResult => ({
  id, title: id.toUpperCase(), status, points, maxPoints, message: status, visibility, lines: [], windows: [],
});
function sub(id: string, checks: CheckResult[], over: Partial<SubmissionResult> = {}): SubmissionResult {
  const score = checks.reduce((a, c) => a + c.points, 0);
  const maxScore = checks.reduce((a, c) => a + c.maxPoints, 0);
  return { id, path: id, spec: 's', specFile: '', specTitle: 'S', score, maxScore, checks, runs: [run()], gradedAt: '2026-01-01T00:00:00Z', durationMs: 1, ...over };
}
const results = (subs: SubmissionResult[]): GradeResults => ({ tool: { name: 'tracegrade', version: 't' }, schemaVersion: 1, createdAt: 'x', submissions: subs });

describe('submissionCredit', () => {
  test('graded at full marks; unstable at full points earns, below it loses; a skipped check does not cost full credit', () => {
    const c = submissionCredit(sub('a', [check('x', 'passed', 2), check('y', 'unstable', 2), check('z', 'skipped', 0, 0)]));
    expect(c).toMatchObject({ status: 'graded', state: 'full', points: 4, max: 4, percent: 100, fullCredit: true });
    expect(c.checks.map((k) => [k.full, k.lost])).toEqual([[true, false], [true, false], [false, false]]);
    expect(checkEarned(check('u', 'unstable', 1))).toBe(false);
    expect(checkLost(check('u', 'unstable', 1))).toBe(true);
    expect(submissionCredit(sub('b', [check('x', 'passed', 2), check('y', 'failed', 0)]))).toMatchObject({ state: 'partial', fullCredit: false, percent: 50 });
  });

  test('timed out keeps its points; could not grade is an error with its reason', () => {
    expect(submissionCredit(sub('t', [check('x', 'passed', 2)], { runs: [run({ timedOut: true, end: 'timeout' })] }))).toMatchObject({ status: 'timed-out', state: 'full', points: 2 });
    const e = submissionCredit(sub('e', [check('x', 'failed', 0)], { error: "entry file 'main.py' not found" }));
    expect(e).toMatchObject({ status: 'could-not-grade', state: 'error', reason: "entry file 'main.py' not found", points: 0, fullCredit: false });
  });

  test('tampered: a status of its own, score 0 whatever the forged trace earned, never full credit', () => {
    const s = sub('f', [check('x', 'passed', 2), check('y', 'passed', 2)], { runs: [run(), run({ tampered: 'forged timestamps' })] });
    const c = submissionCredit(s);
    expect(c).toMatchObject({ status: 'tampered', state: 'tampered', reason: 'forged timestamps', points: 0, max: 4, percent: 0, fullCredit: false });
    expect(c.checks.every((k) => !k.full && k.points === 0)).toBe(true);
    // Tampered wins over an error too: the forgery is what a reviewer must see.
    expect(submissionCredit({ ...s, error: 'x' }).status).toBe('tampered');
  });
});

describe('creditModel', () => {
  const subs = () => [
    sub('a', [check('x', 'passed', 2), check('h', 'passed', 1, 1, 'hidden')]),
    sub('b', [check('x', 'failed', 0), check('h', 'passed', 1, 1, 'hidden')]),
    sub('c', [check('x', 'passed', 2), check('h', 'passed', 1, 1, 'hidden')], { runs: [run({ tampered: 'forged' })] }),
    { ...sub('a', [check('x', 'passed', 2)]), spec: 't', specTitle: 'T' },
    sub('e', [check('x', 'failed', 0), check('h', 'failed', 0, 1, 'hidden')], { error: 'no entry' }),
  ];

  test('per spec and class: counts, mean, pass rates per check hardest first (tampered runs earn nothing)', () => {
    const m = buildCreditModel(results(subs()));
    expect(m.multiSpec).toBe(true);
    expect(m.bySpec.map((g) => [g.spec, g.members])).toEqual([['s', [0, 1, 2, 4]], ['t', [3]]]);
    const s = m.bySpec[0]!;
    expect(s).toMatchObject({ fullCredit: 1, couldNotGrade: 1, tampered: 1, percents: [100, 33.3, 0, 0] });
    expect(s.mean).toBeCloseTo(33.325);
    expect(s.median).toBeCloseTo(16.65);
    expect(s.rates.map((r) => [r.id, r.passed, r.total, r.rate, r.hidden])).toEqual([['x', 1, 4, 25, false], ['h', 2, 4, 50, true]]);
    expect(m.class).toMatchObject({ fullCredit: 2, couldNotGrade: 1, tampered: 1 });
    expect(m.class.rates.map((r) => `${r.spec}:${r.id}`)).toEqual(['s:x', 's:h', 't:x']);
  });

  test('computed once per results object; a new submissions array is a new model', () => {
    const r = results(subs());
    expect(creditModel(r)).toBe(creditModel(r));
    const before = creditModel(r);
    r.submissions = r.submissions.slice(0, 2);
    expect(creditModel(r)).not.toBe(before);
    expect(creditModel(r).submissions).toHaveLength(2);
  });
});
