/**
 * Stored results are sealed: a result rewritten between runs (as a submission at a weak sandbox
 * level could) fails verification, and --resume grades it again with a warning. The key is
 * 0600 in a 0700 folder; as root, a run's uid (65534) cannot read it. A submission that rewrites
 * the store itself (test/hostile/tamper_results.py), graded by the CLI at every sandbox level:
 * test/run-hostile-cli.test.ts.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradeAll } from '../src/batch/grade-all.js';
import { planJobs } from '../src/batch/plan.js';
import { keyPath } from '../src/batch/seal.js';
import { resultPath } from '../src/batch/store.js';
import type { Job } from '../src/batch/types.js';
import { makeSpec, pythonEngine, removeDir, tempDir, writeTree } from './batch-helpers.js';

describe('sealed stored results', () => {
  let root: string;
  let jobs: Job[];
  beforeEach(async () => {
    root = tempDir('tg-seal-');
    writeTree(root, { 'spec.yaml': 'name: sealed\n', 'subs/good/main.py': "print('done')\n", 'subs/bad/main.py': "print('nope')\n" });
    jobs = (await planJobs([makeSpec('sealed', {}, join(root, 'spec.yaml'))], [join(root, 'subs')])).jobs;
  });
  afterEach(() => removeDir(root));

  test('a stored result rewritten to full marks is graded again, with a warning naming it', async () => {
    const out = join(root, 'out');
    const first = await gradeAll(jobs, { jobs: 1, outDir: out }, {}, pythonEngine());
    expect(first.submissions.map((s) => [s.id, s.score])).toEqual([['bad', 0], ['good', 1]]);

    // The attack: rewrite bad's stored result to pass, keeping its key (so it still "matches").
    const file = resultPath(out, 'sealed', 'bad');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.result.score = 1;
    for (const c of stored.result.checks) Object.assign(c, { status: 'passed', points: c.maxPoints });
    writeFileSync(file, JSON.stringify(stored));

    const warnings: string[] = [];
    const reused: string[] = [];
    const engine = pythonEngine();
    const again = await gradeAll(jobs, { jobs: 1, outDir: out, resume: true }, {
      onWarning: (m) => warnings.push(m),
      onResult: (job, _r, info) => info.reused && reused.push(job.id),
    }, engine);
    expect(warnings).toEqual([expect.stringMatching(/^the stored result of sealed\/bad \(.*bad\.json\) fails verification/)]);
    expect(reused).toEqual(['good']); // the untouched one is reused
    expect(engine.runs).toBe(1); // only bad ran again
    expect(again.submissions.map((s) => [s.id, s.score])).toEqual([['bad', 0], ['good', 1]]);
    // Re-sealed: a third run reuses both.
    const third = pythonEngine();
    await gradeAll(jobs, { jobs: 1, outDir: out, resume: true }, {}, third);
    expect(third.runs).toBe(0);
  });

  test('a second "result" after the seal (JSON.parse keeps the last) is found tampered, not read', async () => {
    const out = join(root, 'out');
    await gradeAll(jobs, { jobs: 1, outDir: out }, {}, pythonEngine());
    const file = resultPath(out, 'sealed', 'bad');
    const text = readFileSync(file, 'utf8').trimEnd();
    const forged = JSON.parse(text).result;
    forged.score = 1;
    for (const c of forged.checks) Object.assign(c, { status: 'passed', points: c.maxPoints });
    // The sealed bytes stay as they were; the forgery comes after the mac.
    writeFileSync(file, `${text.slice(0, -1)},"result":${JSON.stringify(forged)}}\n`);
    expect(JSON.parse(readFileSync(file, 'utf8')).result.score).toBe(1);
    const warnings: string[] = [];
    const again = await gradeAll(jobs, { jobs: 1, outDir: out, resume: true }, { onWarning: (m) => warnings.push(m) }, pythonEngine());
    expect(warnings).toEqual([expect.stringMatching(/^the stored result of sealed\/bad \(.*bad\.json\) fails verification/)]);
    expect(again.submissions.map((s) => [s.id, s.score])).toEqual([['bad', 0], ['good', 1]]);
  });

  test('a forged seal (a guessed key) does not verify, and a deleted key re-grades everything', async () => {
    const out = join(root, 'out');
    await gradeAll(jobs, { jobs: 1, outDir: out }, {}, pythonEngine());
    const file = resultPath(out, 'sealed', 'bad');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.mac = 'f'.repeat(64);
    writeFileSync(file, JSON.stringify(stored));
    writeFileSync(keyPath(out), '0'.repeat(64)); // overwritten key: every seal fails
    const warnings: string[] = [];
    const engine = pythonEngine();
    await gradeAll(jobs, { jobs: 1, outDir: out, resume: true }, { onWarning: (m) => warnings.push(m) }, engine);
    expect(engine.runs).toBe(2);
    expect(warnings).toHaveLength(2);
  });

  test('the key is 0600 in a 0700 folder; as root, uid 65534 cannot read it', async () => {
    const out = join(root, 'out');
    await gradeAll(jobs, { jobs: 1, outDir: out }, {}, pythonEngine());
    expect(statSync(keyPath(out)).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, '.tracegrade')).mode & 0o777).toBe(0o700);
    if (process.getuid?.() !== 0) {
      console.warn('skipping the other-uid read of the key: not root');
      return;
    }
    const r = spawnSync('cat', [keyPath(out)], { uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Permission denied/);
  });
});
