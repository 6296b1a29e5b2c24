/**
 * Scoring in worker threads (src/batch/score-pool.ts) gives exactly the in-process results: the
 * bundled curriculum's traces scored both ways compare deeply, for whole specs, a --check
 * selection and command-line overrides; the stored files the workers seal verify on --resume.
 */

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import { planJobs } from '../src/batch/plan.js';
import { gradeAll } from '../src/batch/grade-all.js';
import { effectiveSpec } from '../src/batch/grade-one.js';
import { ScorePool } from '../src/batch/score-pool.js';
import { makeStoreText, storeKey } from '../src/batch/store.js';
import { scoreSubmission } from '../src/score/score.js';
import { filterChecks } from '../src/cli/check-filter.js';
import type { GradeResults } from '../src/score/types.js';
import { removeDir, tempDir } from './batch-helpers.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SPECS = join(ROOT, 'specs');

let specs: Spec[];
let graded: GradeResults;
let out: string;

beforeAll(async () => {
  specs = [];
  for (const f of readdirSync(SPECS).filter((n) => n.endsWith('.yaml')).sort()) {
    const r = await loadSpecFile(join(SPECS, f));
    if (!r.spec) throw new Error(`${f} does not load`);
    specs.push(r.spec);
  }
  const plan = await planJobs(specs, [join(ROOT, 'submissions')]);
  out = tempDir('tg-score-worker-');
  // Virtual clock where there is one: the traces only need to exist, fast.
  graded = await gradeAll(plan.jobs, { jobs: 2, outDir: out, clock: 'virtual' });
}, 300_000);

afterAll(() => removeDir(out));

const meta = (r: GradeResults['submissions'][number]) => ({ id: r.id, path: r.path, gradedAt: r.gradedAt, durationMs: r.durationMs });
const specOf = (name: string) => specs.find((s) => s.name === name)!;

test('every curriculum result graded with --jobs 2 equals in-process scoring of the same runs', () => {
  expect(graded.submissions.length).toBeGreaterThanOrEqual(specs.length);
  for (const r of graded.submissions) {
    const eff = effectiveSpec(specOf(r.spec), { clock: 'virtual' });
    expect(r).toEqual(scoreSubmission(eff, r.runs, meta(r)));
  }
});

test('the pool scores off the main thread, with identical results and sealed text, also for a --check selection and overrides', async () => {
  const pool = new ScorePool(2);
  const secret = Buffer.alloc(32, 7);
  try {
    let n = 0;
    for (const r of graded.submissions) {
      const base = specOf(r.spec);
      const variants = [
        effectiveSpec(base, { clock: 'virtual' }),
        effectiveSpec(filterChecks(base, (t) => t === base.checks[0]!.id).spec, { clock: 'virtual', timeScale: 2, repeat: 3 }),
      ];
      for (const spec of variants) {
        const key = await storeKey({ spec, submission: r.path, id: r.id }, {});
        const s = await pool.score(spec, r.runs, meta(r), { key, secret });
        const expected = scoreSubmission(spec, r.runs, meta(r));
        expect(s.result).toEqual(expected);
        expect(s.result.runs).toBe(r.runs);
        // The worker made the stored file's text and both hashes the reports key on, as this thread would.
        expect(s.stored).toEqual(makeStoreText(key, expected, secret));
        n++;
      }
    }
    expect(pool.stats.inProcess).toBe(0);
    expect(pool.stats.offLoop).toBe(n);
  } finally {
    await pool.close();
  }
});

test('an in-memory spec, or a spec changed on disk since it was loaded, is scored in-process with the same result', async () => {
  const r = graded.submissions[0]!;
  const spec = effectiveSpec(specOf(r.spec), { clock: 'virtual' });
  const pool = new ScorePool(1);
  try {
    const memory = await pool.score({ ...spec, file: '' }, r.runs, meta(r));
    expect(memory.result).toEqual(scoreSubmission({ ...spec, file: '' }, r.runs, meta(r)));
    const changed = { ...spec, title: `${spec.title} (edited)` };
    expect((await pool.score(changed, r.runs, meta(r))).result).toEqual(scoreSubmission(changed, r.runs, meta(r)));
    expect(pool.stats.offLoop).toBe(0);
    expect([...pool.stats.reasons].join('; ')).toMatch(/in-memory spec.*changed on disk/);
  } finally {
    await pool.close();
  }
});

test('results sealed by the workers verify: --resume reuses every one', async () => {
  const plan = await planJobs(specs, [join(ROOT, 'submissions')]);
  let reused = -1;
  await gradeAll(plan.jobs, { jobs: 2, outDir: out, clock: 'virtual', resume: true }, { onPlan: (p) => (reused = p.reused) });
  expect(reused).toBe(plan.jobs.length);
}, 120_000);
