/**
 * The course assignment (issue 14) in real time: specs/python-async.yaml sets the virtual
 * clock, so the curriculum tests grade it virtually (docs/expected-scores.md); here the same
 * spec grades real submissions with `--clock real`, real random delays (the seed still makes
 * them the table's), the course's drivers unchanged and no helper script. Two submissions at
 * once, ~40 s of real sleeping each, on the oldest and the newest Python of 3.9–3.13 here: the
 * reference gets full marks, and measure_time without the division loses exactly that check.
 */

import path from 'node:path';
import { gradeOne } from '../src/batch/grade-one.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import { ROOT } from './curriculum-helpers.js';
import { levelFor, pythons } from './facilities.js';
import { pool } from './virtual-helpers.js';

const loaded = await loadSpecFile(path.join(ROOT, 'specs', 'python-async.yaml'));
const SPEC = loaded.spec as Spec;

// Two ends of the range the course targets (3.9–3.13), where installed: the reference on the
// oldest, the mistake on the newest (every version is graded under the virtual clock in
// test/virtual-versions.test.ts).
const PY = pythons().filter((p) => p.minor >= 9);
const OLDEST = PY[0];
const NEWEST = PY[PY.length - 1];

test('the course assignment in real time: the reference full marks, measure_time without / n loses only that check', async () => {
  const at = async (py: typeof OLDEST) => (py ? { interpreter: py.exe, sandbox: await levelFor(py.exe) } : {});
  const plan = [
    { id: 'reference', py: OLDEST },
    { id: 'measure-not-divided', py: NEWEST },
  ];
  const [ref, notDivided] = await pool(
    plan.map(({ id, py }) => async () => gradeOne(SPEC, path.join(ROOT, 'submissions', 'python-async', id), { clock: 'real', ...(await at(py)) })),
    2,
  );
  if (OLDEST) expect(ref!.runs[0]!.runtime).toContain(`(3.${OLDEST.minor}.`);
  if (NEWEST) expect(notDivided!.runs[0]!.runtime).toContain(`(3.${NEWEST.minor}.`);
  for (const r of [ref!, notDivided!]) {
    // Every driver ran, on the real clock.
    expect(r.runs.map((run) => [run.name, run.clock])).toEqual(SPEC.runs!.map((n) => [n.name, 'real']));
  }
  expect([ref!.score, ref!.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.message}`)]).toEqual([ref!.maxScore, []]);
  expect(notDivided!.checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['measure-time-divides-by-n']);
  // Real time: wait_random(15)'s delay was really slept (seconds, not the virtual clock's instant).
  const basic = ref!.runs.find((r) => r.name === 'basic')!;
  expect(basic.wallMs).toBeGreaterThan(1000);
}, 180_000);
