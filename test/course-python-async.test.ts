/**
 * The course assignment (issue 14) in real time: specs/python-async.yaml sets the virtual
 * clock, so the curriculum tests grade it virtually (docs/expected-scores.md); here the same
 * spec grades real submissions with `--clock real`, real random delays (the seed still makes
 * them the table's), the course's drivers unchanged and no helper script. Two submissions at
 * once, ~40 s of real sleeping each: the reference gets full marks, and measure_time without
 * the division loses exactly that check.
 */

import path from 'node:path';
import { gradeOne } from '../src/batch/grade-one.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import { ROOT } from './curriculum-helpers.js';
import { pool } from './virtual-helpers.js';

const loaded = await loadSpecFile(path.join(ROOT, 'specs', 'python-async.yaml'));
const SPEC = loaded.spec as Spec;

test('the course assignment in real time: the reference full marks, measure_time without / n loses only that check', async () => {
  const [ref, notDivided] = await pool(
    ['reference', 'measure-not-divided'].map((id) => () => gradeOne(SPEC, path.join(ROOT, 'submissions', 'python-async', id), { clock: 'real' })),
    2,
  );
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
