/**
 * Issue 6, done-when, across interpreters: every bundled submission, graded under the virtual
 * clock on EACH installed Python 3.8–3.13, gets exactly the verdicts of docs/expected-scores.md
 * (score, failed and skipped checks; every other check passes) — the table real mode is
 * asserted against in test/curriculum.test.ts. Rows whose minimum Python is above a version
 * (TaskGroup: 3.11+) are not run on it, nor rows that are not Python (Node); versions that are
 * not installed are reported and skipped.
 * Runner + engine directly (bwrap where it works, see levelFor in test/facilities.ts), two runs at a time:
 * a virtual run costs what starting the interpreter costs (~0.1–0.3 s).
 */

import path from 'node:path';
import { gradeOne } from '../src/batch/grade-one.js';
import type { SubmissionResult } from '../src/score/types.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import { ROOT, forPython, pythonVersionOf, readExpectedScores, type ExpectedRow } from './curriculum-helpers.js';
import { PYTHON_MINORS, levelFor, needs, pythons } from './facilities.js';
import { pool } from './virtual-helpers.js';

const PY = pythons();

let rows: ExpectedRow[] = [];
const specs = new Map<string, Spec>();

beforeAll(async () => {
  rows = await readExpectedScores();
  for (const name of new Set(rows.map((r) => r.spec))) {
    const { spec, diagnostics } = await loadSpecFile(path.join(ROOT, 'specs', `${name}.yaml`));
    if (!spec) throw new Error(`specs/${name}.yaml does not load: ${JSON.stringify(diagnostics)}`);
    specs.set(name, spec);
  }
});

/** Every way a graded result differs from its row (empty when they agree). */
function differences(row: ExpectedRow, r: SubmissionResult): string[] {
  const at = `docs/expected-scores.md:${row.line} ${row.spec}/${row.submission}`;
  const out: string[] = [];
  if (r.error) out.push(`${at}: could not be graded: ${r.error}`);
  if (!row.scores.some((s) => Math.abs(s - r.score) < 1e-6)) out.push(`${at}: scored ${r.score}, table says ${row.scores.join(' or ')}`);
  for (const c of r.checks) {
    const want = row.fails.includes(c.id) ? 'failed' : row.skipped.includes(c.id) ? 'skipped' : 'passed';
    if (c.status !== want) out.push(`${at}: check '${c.id}' ${c.status}, table says ${want} — ${c.message}`);
  }
  return out;
}

/**
 * The course assignment runs five drivers a submission: between the oldest and the newest
 * Python, only the programs whose verdict depends on the version (a row pinned to a range of
 * versions: list[float] on 3.8) and the reference run; its other mistakes are pure asyncio
 * semantics, the same on every version, and run on the oldest and the newest (issue 13: the
 * version matrix on the smallest program that shows each difference).
 */
function everyVersion(row: ExpectedRow, minor: number): boolean {
  if (!specs.get(row.spec)?.runs) return true;
  const ends = [PY[0]!.minor, PY[PY.length - 1]!.minor];
  const pinned = rows.some((r) => r.spec === row.spec && r.submission === row.submission && r.maxPython);
  return ends.includes(minor) || row.submission === 'reference' || pinned;
}

test('finds Python versions to test and the whole table', () => {
  expect(PY.length).toBeGreaterThan(0);
  expect(rows.length).toBeGreaterThanOrEqual(40);
});

// A version that is not installed skips, saying so (test/facilities.ts).
for (const minor of PYTHON_MINORS) needs(`python3.${minor}`).test(
  `Python 3.${minor}: every bundled submission gets the verdicts of the table under the virtual clock`,
  async () => {
    const py = PY.find((p) => p.minor === minor)!;
    // Python programs only: the Node lesson (Python '–') has no virtual clock.
    const mine = rows.filter((r) => forPython(r, [3, py.minor]) && everyVersion(r, py.minor));
    const sandbox = await levelFor(py.exe);
    const results = await pool(
      mine.map((row) => async () => {
        const spec = specs.get(row.spec)!;
        const submission = path.join(ROOT, 'submissions', row.spec, row.submission);
        // gradeOne: a spec with named runs (the course assignment) runs each of them.
        return gradeOne(spec, submission, { clock: 'virtual', interpreter: py.exe, sandbox, id: row.submission });
      }),
      2,
    );
    const problems: string[] = [];
    mine.forEach((row, i) => {
      const r = results[i]!;
      const where = `${row.spec}/${row.submission}`;
      for (const run of r.runs) {
        if (run.clock !== 'virtual') problems.push(`${where}: ran in real time: ${run.clockFallback}`);
        if (pythonVersionOf(run.runtime)?.join('.') !== `3.${py.minor}`) problems.push(`${where}: ran on ${run.runtime}, not Python 3.${py.minor}`);
      }
      problems.push(...differences(row, r));
    });
    expect(problems).toEqual([]);
    // The minimum-Python column was honoured: the TaskGroup reference runs from 3.11 on only.
    expect(mine.some((r) => r.submission === 'reference-taskgroup')).toBe(py.minor >= 11);
  },
  90_000,
);
