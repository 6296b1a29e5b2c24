/** Scoring a spec with named runs: each check on its own run's record, requires across runs, run names in the result. */

import { describe, expect, test } from '@jest/globals';
import type { RunSettings, Spec } from '../spec/types.js';
import { check, run, sel, spec, trace } from '../check/testkit.js';
import { scoreSubmission } from './score.js';

const meta = { id: 'alice', path: 'submissions/alice', gradedAt: '2026-11-26T08:00:00.000Z', durationMs: 1 };
const base = spec([]).run;
const settings = (entry: string): RunSettings => ({ ...base, entry });

/** Two course drivers: task0 prints a number, task1 a list; task1's check needs task0's. */
function twoRuns(repeat = 1): Spec {
  return spec(
    [
      check('t0-number', { kind: 'exists', line: sel('/^\\d+(\\.\\d+)?$/') }, { run: 'task0' }),
      check('t1-list', { kind: 'exists', line: sel('/^\\[.*\\]$/') }, { run: 'task1', requires: ['t0-number'] }),
    ],
    { runs: [{ name: 'task0', run: settings('0-main.py') }, { name: 'task1', run: settings('1-main.py') }], run: { ...base, repeat } },
  );
}
const task0 = (text: string) => ({ ...run(trace([[10, text]])), name: 'task0' });
const task1 = (text: string) => ({ ...run(trace([[10, text]])), name: 'task1' });

describe('named runs', () => {
  test('each check looks at its own run: runName names it, run indexes the record in runs[]', () => {
    const r = scoreSubmission(twoRuns(), [task0('3.2'), task1('[1, 2]')], meta);
    expect(r.score).toBe(2);
    expect(r.checks.map((c) => [c.id, c.status, c.runName, c.run])).toEqual([
      ['t0-number', 'passed', 'task0', 0],
      ['t1-list', 'passed', 'task1', 1],
    ]);
    expect(r.runs.map((x) => x.name)).toEqual(['task0', 'task1']);
  });

  test('requires reaches across runs: task 1 is skipped because task 0 failed, and says which run', () => {
    const r = scoreSubmission(twoRuns(), [task0('oops'), task1('[1, 2]')], meta);
    expect(r.checks[0]).toMatchObject({ status: 'failed', runName: 'task0' });
    expect(r.checks[1]).toMatchObject({ status: 'skipped', runName: 'task1', points: 0 });
    expect(r.checks[1]!.message).toBe("skipped: needs 't0-number', which failed in run 'task0'");
  });

  test('with repeat, records come repeat by repeat; the evidence is from the failing repeat of the check\'s run', () => {
    const r = scoreSubmission(twoRuns(2), [task0('1'), task1('[1]'), task0('2'), task1('nope')], meta);
    expect(r.checks[0]).toMatchObject({ status: 'passed', run: 0, runName: 'task0' });
    expect(r.checks[1]).toMatchObject({ status: 'unstable', run: 3, runName: 'task1' });
    expect(r.checks[1]!.perRun).toHaveLength(2);
  });

  test('a run that was not recorded fails its checks, saying so', () => {
    const r = scoreSubmission(twoRuns(), [task0('1')], meta);
    expect(r.checks[1]).toMatchObject({ status: 'failed', category: 'error', message: "the run 'task1' this check looks at was not recorded" });
  });
});
