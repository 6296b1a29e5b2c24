/**
 * grade's CI gate (--fail-under, --fail-under-mean) and what grade/check run when told to run
 * less: -t/--check (id or title, substring or /regex/, with what the selection requires) and
 * --failed (only the submissions below full marks in the last results.json).
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeResults } from '../src/score/types.js';
import { checkMatcher } from '../src/cli/check-filter.js';
import { gateFailures } from '../src/cli/fail-under.js';
import { previousResults } from '../src/cli/commands/grade-select.js';
import { ABC_GOOD, ABC_NO_DONE, ABC_SPEC, project, run } from './cli-helpers.js';

let d: string;
beforeAll(async () => {
  d = await project({ 'specs/abc.yaml': ABC_SPEC, 'subs/alice/main.py': ABC_GOOD, 'subs/bob/main.py': ABC_NO_DONE, 'subs/carol/main.py': 'raise SystemExit(3)\n' });
});
afterAll(async () => rm(d, { recursive: true, force: true }));

const grade = (...extra: string[]) => run(['grade', 'specs/abc.yaml', 'subs', '--reporter', 'json', ...extra], d);
const results = async (out: string): Promise<GradeResults> => JSON.parse(await readFile(join(d, out, 'results.json'), 'utf8')) as GradeResults;

describe('--fail-under', () => {
  test('without a gate grade exits 0 whatever the scores', async () => {
    expect((await grade('--out', 'g0')).code).toBe(0);
  });
  test('a percentage per submission: exit 1, naming who is under', async () => {
    const r = await grade('--out', 'g1', '--fail-under', '60%');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('✗ --fail-under 60 %: 1 of 3 submissions scored less (abc/carol 0 %)');
    expect((await grade('--out', 'g1', '--fail-under', '0%')).code).toBe(0);
  });
  test('points per submission, and the class mean', async () => {
    const r = await grade('--out', 'g2', '--fail-under', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--fail-under 3 points: 2 of 3 submissions scored less \(abc\/bob 2\/3, abc\/carol 0\/3\)/);
    // alice 3, bob 2, carol 0 → mean 1.67 points, 55.6 %
    expect((await grade('--out', 'g2', '--fail-under-mean', '55%')).code).toBe(0);
    const m = await grade('--out', 'g2', '--fail-under-mean', '56%');
    expect(m.code).toBe(1);
    expect(m.stderr).toContain('--fail-under-mean 56 %: the mean of 3 submissions is 55.6 %');
    expect((await grade('--out', 'g2', '--fail-under-mean', '1.5')).code).toBe(0);
  });
  test('points above what the spec is worth warn that no submission can reach them', async () => {
    const r = await grade('--out', 'g4', '--fail-under', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('warning: --fail-under 5 points is more than spec abc is worth (3 points): no submission can reach it');
    expect((await grade('--out', 'g4', '--fail-under', '3')).stderr).not.toContain('warning: --fail-under');
  });
  test("what a submission earned is the credit model's: a tampered trace earns 0 whatever it scored", () => {
    const sub = { spec: 'abc', id: 'mallory', score: 3, maxScore: 3, checks: [], runs: [{ tampered: 'forged stamps' }] };
    const g = { submissions: [sub] } as unknown as GradeResults;
    expect(gateFailures(g, { kind: 'percent', value: 50 })).toEqual(['--fail-under 50 %: 1 of 1 submission scored less (abc/mallory 0 %)']);
    expect(gateFailures(g, undefined, { kind: 'points', value: 1 })).toEqual(['--fail-under-mean 1 point: the mean of 1 submission is 0 points']);
  });
  test('a value that is neither points nor a percentage is a usage error before anything runs', async () => {
    for (const bad of ['120%', 'lots', '-1']) {
      const r = await grade('--out', 'g3', `--fail-under=${bad}`);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--fail-under expects points (7) or a percentage of the points (80%), not '${bad}'`);
    }
  });
});

describe('-t/--check', () => {
  test('a substring of a title selects; a check it requires runs too and is named', async () => {
    const r = await grade('--out', 't1', '-t', 'ends with');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("abc: 1 check matches 'ends with' (says-done); 1 check they require runs too (prints-a)");
    const alice = (await results('t1')).submissions.find((s) => s.id === 'alice')!;
    expect(alice.checks.map((c) => c.id)).toEqual(['prints-a', 'says-done']);
  });
  test('/regex/ matches ids; no match is exit 2 listing the checks', async () => {
    const r = await run(['check', 'subs/bob', '--spec', 'specs/abc.yaml', '--check', '/^(prints|then)-/'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('All 2 selected checks pass');
    // The selection is said once per check run, not once more while setting up.
    expect(r.stderr.match(/2 checks match/g)).toHaveLength(1);
    const none = await run(['check', 'subs/bob', '--spec', 'specs/abc.yaml', '-t', 'nothing-like-it'], d);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('The visible checks are prints-a, then-b, says-done.');
    const bad = await grade('-t', '/(a)\\1/');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a regular expression tracegrade can match in linear time/);
  });
  test('a pathological pattern is matched in linear time', async () => {
    // /(a+)+$/ against 40 a's and a '!' is 2^40 steps for a backtracking engine; RE2 is linear.
    const match = await checkMatcher('/(a+)+$/');
    const t = Date.now();
    expect(match(`${'a'.repeat(40)}!`)).toBe(false);
    expect(match('aaa')).toBe(true);
    expect(Date.now() - t).toBeLessThan(1000);
  });
  test('a filtered grade is not reused by --resume for a full one', async () => {
    await grade('--out', 't4', '-t', 'then b');
    await grade('--out', 't4', '--resume');
    const alice = (await results('t4')).submissions.find((s) => s.id === 'alice')!;
    expect(alice.checks).toHaveLength(3);
  });
});

describe('--failed', () => {
  test('needs an earlier results.json', async () => {
    const r = await grade('--out', 'f0', '--failed');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--failed re-grades what did not get full marks last time, but f0\/results\.json cannot be read/);
  });
  test('re-grades only who was below full marks and keeps the others in the reports', async () => {
    await grade('--out', 'f1');
    const before = await results('f1');
    await writeFile(join(d, 'subs', 'bob', 'main.py'), ABC_GOOD);
    try {
      const r = await grade('--out', 'f1', '--failed');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('--failed: re-grading 2 of 3 submissions');
      const after = await results('f1');
      const by = (g: GradeResults, id: string) => g.submissions.find((s) => s.id === id)!;
      expect(after.submissions.map((s) => s.id)).toEqual(before.submissions.map((s) => s.id));
      expect(by(after, 'alice').gradedAt).toBe(by(before, 'alice').gradedAt);
      expect(by(after, 'bob').score).toBe(3);
      expect(by(after, 'carol').gradedAt).not.toBe(by(before, 'carol').gradedAt);
    } finally {
      await writeFile(join(d, 'subs', 'bob', 'main.py'), ABC_NO_DONE);
    }
  });
  test('with -t it is refused (exit 2) before anything runs, and the stored results are left as they were', async () => {
    await grade('--out', 'f2');
    const before = await readFile(join(d, 'f2', 'results.json'), 'utf8');
    const r = await grade('--out', 'f2', '--failed', '-t', 'ends with');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--failed cannot be combined with -t/--check 'ends with'");
    expect(await readFile(join(d, 'f2', 'results.json'), 'utf8')).toBe(before);
  });
  test('results graded with -t record their selection and are never full marks: --failed grades them again in full', async () => {
    await grade('--out', 'f3', '-t', 'then b');
    const filtered = await results('f3');
    expect(filtered.submissions.map((s) => [s.id, s.selection, s.score, s.maxScore])).toEqual([
      ['alice', 'then b', 1, 1],
      ['bob', 'then b', 1, 1],
      ['carol', 'then b', 0, 1],
    ]);
    const r = await grade('--out', 'f3', '--failed', '--fail-under', '100%');
    expect(r.stderr).toContain('--failed: re-grading 3 of 3 submissions');
    const after = await results('f3');
    expect(after.submissions.every((s) => s.selection === undefined && s.checks.length === 3)).toBe(true);
    // bob (2/3) and carol (0/3) are below 100 % again: the filtered 1/1 no longer passes the gate.
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 of 3 submissions scored less');
  });
  test('"below full marks" is the credit model\'s: full points with a failed check is re-graded', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tg-prev-'));
    try {
      const check = (id: string, status: string, points: number, maxPoints: number) => ({ id, status, points, maxPoints });
      const sub = (id: string, extra: object) => ({ spec: 'abc', id, score: 3, maxScore: 3, runs: [], checks: [check('a', 'passed', 3, 3)], ...extra });
      const subs = [
        sub('full', {}),
        sub('zero-point-fail', { checks: [check('a', 'passed', 3, 3), check('style', 'failed', 0, 0)] }),
        sub('selected', { selection: 'a' }),
        sub('crashed', { error: 'boom', score: 0 }),
      ];
      await writeFile(join(out, 'results.json'), JSON.stringify({ tool: { name: 'tracegrade', version: '0' }, schemaVersion: 1, createdAt: '', submissions: subs }));
      const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: out };
      const prev = await previousResults(out, io);
      expect([...prev.failed].map((k) => k.split('\0')[1])).toEqual(['zero-point-fail', 'selected', 'crashed']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
