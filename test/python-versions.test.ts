/**
 * End-to-end, in real time: the reference solutions whose behaviour differs between Pythons
 * score full marks on every installed Python from 3.8 to 3.13 (from the version its row in
 * docs/expected-scores.md names, e.g. 3.11+ for TaskGroup), graded for real by the compiled CLI
 * with `--python <version>`. Every bundled submission, references included, gets its row's
 * verdicts on each version under the virtual clock in test/virtual-versions.test.ts; this file
 * adds the real clock on the smallest set of programs that shows each difference (below).
 * A version that is not installed skips, saying so (test/facilities.ts); at least one must be.
 */

import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeResults } from '../src/score/types.js';
import { ROOT, forPython, gradeToJson, pythonVersionOf, readExpectedScores, requireBuild, type ExpectedRow } from './curriculum-helpers.js';
import { PYTHON_MINORS, levelFor, needs, pathOf, pythons } from './facilities.js';

/**
 * The specs whose reference exercises something that changes from one Python to the next, with
 * no timing check finer than a second (a verdict must not hang on the machine's load). The
 * fetch-and-count family (task tracing through the task factory, whose contract changed inside
 * 3.13, and TaskGroup from 3.11) is graded with the same tracer on every version under the
 * virtual clock (virtual-versions.test.ts), and in real time, with its 150–200 ms tolerances,
 * on the default Python (curriculum.test.ts).
 */
const DIFFERS: Record<string, string> = {
  'task-not-awaited': 'create_task in real time, through the task factory',
  'print-pending-task': "a pending Task's repr",
  'task-outlives-main': 'a task still pending when the loop closes',
  'never-awaited-warning': 'the RuntimeWarning text',
  'await-outside-function': 'the SyntaxError text',
};

describe('reference solutions on every installed Python 3.8–3.13', () => {
  let work: string;
  let refs: ExpectedRow[];

  beforeAll(async () => {
    requireBuild();
    work = await mkdtemp(join(tmpdir(), 'tracegrade-pyversions-'));
    refs = (await readExpectedScores()).filter((r) => r.submission === 'reference' || r.submission.startsWith('reference-'));
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('finds at least one Python to test and a reference for every spec, and for each one listed here', () => {
    expect(pythons().length).toBeGreaterThan(0);
    expect(new Set(refs.map((r) => r.spec)).size).toBeGreaterThanOrEqual(11);
    for (const spec of Object.keys(DIFFERS)) expect(refs.some((r) => r.spec === spec)).toBe(true);
  });

  // One grading run per version, one after the other: real-time runs must not crowd the CPU.
  for (const minor of PYTHON_MINORS) {
    const label = `3.${minor}`;
    const v: [number, number] = [3, minor];
    needs(`python${label}`).it(`Python ${label}: the references that differ between versions score full marks`, async () => {
      // Only the references this version is meant to run, laid out as specs/ expects them.
      const subs = join(work, `subs-${label}`);
      // Python programs only: the Node lesson's reference (Python '–') is graded in curriculum.test.ts.
      const expected = refs.filter((r) => forPython(r, v) && Object.hasOwn(DIFFERS, r.spec));
      for (const r of expected) {
        await mkdir(join(subs, r.spec, r.submission), { recursive: true });
        await copyFile(join(ROOT, 'submissions', r.spec, r.submission, 'main.py'), join(subs, r.spec, r.submission, 'main.py'));
      }
      const sandbox = await levelFor(pathOf(`python${label}`));
      const results: GradeResults = await gradeToJson(['specs', subs, '--python', label, '--sandbox', sandbox], join(work, `out-${label}`), 170_000);
      const got = results.submissions.map((s) => ({
        sub: `${s.spec}/${s.id}`,
        python: pythonVersionOf(s.runs[0]?.runtime)?.join('.'),
        score: s.score,
        failing: s.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.message}`),
      }));
      expect(got.sort((a, b) => a.sub.localeCompare(b.sub))).toEqual(
        expected
          .map((r) => ({ sub: `${r.spec}/${r.submission}`, python: label, score: r.maxScore, failing: [] }))
          .sort((a, b) => a.sub.localeCompare(b.sub)),
      );
    }, 200_000);
  }
});
