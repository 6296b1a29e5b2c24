/**
 * End-to-end: every bundled reference solution scores full marks on every installed Python
 * from 3.8 to 3.13 (from the version its row in docs/expected-scores.md names, e.g. 3.11+ for
 * TaskGroup), graded for real by the compiled CLI with `--python <version>`.
 * Versions that are not installed are reported and skipped; at least one must be.
 */

import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { GradeResults } from '../src/score/types.js';
import { ROOT, forPython, gradeToJson, pythonVersionOf, readExpectedScores, requireBuild, type ExpectedRow } from './curriculum-helpers.js';

const VERSIONS: Array<[number, number]> = [[3, 8], [3, 9], [3, 10], [3, 11], [3, 12], [3, 13]];

/** Installed as the CLI's `--python 3.x` finds it: python3.x on PATH, or a pyenv version 3.x.*. */
function installed(v: [number, number]): boolean {
  const name = `python${v.join('.')}`;
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, name)) && !d.includes('.pyenv/shims'));
  const root = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const versions = existsSync(join(root, 'versions')) ? readdirSync(join(root, 'versions')) : [];
  const inPyenv = versions.some((d) => d.startsWith(`${v.join('.')}.`) && existsSync(join(root, 'versions', d, 'bin', 'python3')));
  return onPath || inPyenv;
}

const present = VERSIONS.filter(installed);
const missing = VERSIONS.filter((v) => !installed(v));

describe('reference solutions on every installed Python 3.8–3.13', () => {
  let work: string;
  let refs: ExpectedRow[];

  beforeAll(async () => {
    requireBuild();
    work = await mkdtemp(join(tmpdir(), 'tracegrade-pyversions-'));
    refs = (await readExpectedScores()).filter((r) => r.submission === 'reference' || r.submission.startsWith('reference-'));
    if (missing.length) console.warn(`not installed, skipped: Python ${missing.map((v) => v.join('.')).join(', ')}`);
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('finds at least one Python to test and a reference for every spec', () => {
    expect(present.length).toBeGreaterThan(0);
    expect(new Set(refs.map((r) => r.spec)).size).toBeGreaterThanOrEqual(11);
  });

  // One grading run per version, one after the other: real-time runs must not crowd the CPU.
  it.each(present.map((v) => [v.join('.'), v] as const))(
    'Python %s: every reference scores full marks',
    async (label, v) => {
      // Only the references this version is meant to run, laid out as specs/ expects them.
      const subs = join(work, `subs-${label}`);
      // Python programs only: the Node lesson's reference (Python '–') is graded in curriculum.test.ts.
      const expected = refs.filter((r) => forPython(r, v));
      for (const r of expected) {
        await mkdir(join(subs, r.spec, r.submission), { recursive: true });
        await copyFile(join(ROOT, 'submissions', r.spec, r.submission, 'main.py'), join(subs, r.spec, r.submission, 'main.py'));
      }
      const results: GradeResults = await gradeToJson(['specs', subs, '--python', label], join(work, `out-${label}`), 170_000);
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
    },
    200_000,
  );
});
