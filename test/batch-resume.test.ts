import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradeAll } from '../src/batch/grade-all.js';
import { planJobs } from '../src/batch/plan.js';
import { resultPath, storeRoot } from '../src/batch/store.js';
import type { Job } from '../src/batch/types.js';
import { makeSpec, pythonEngine, removeDir, sleeper, tempDir, withoutTimes, writeTree } from './batch-helpers.js';

describe('resume', () => {
  let root: string;
  let jobs: Job[];
  const specFile = () => join(root, 'sleepy.yaml');
  beforeEach(async () => {
    root = tempDir();
    const files: Record<string, string> = { 'sleepy.yaml': 'name: sleepy\n' };
    for (let i = 0; i < 7; i++) files[`subs/s${i}/main.py`] = i === 4 ? sleeper(0.1, 'oops') : sleeper(0.15);
    writeTree(root, files);
    jobs = (await planJobs([makeSpec('sleepy', {}, specFile())], [join(root, 'subs')])).jobs;
  });
  afterEach(() => removeDir(root));

  it('a batch stopped after k results, resumed, grades only what is missing and ends as an uninterrupted run', async () => {
    const full = await gradeAll(jobs, { jobs: 2, outDir: join(root, 'full') }, {}, pythonEngine());

    const out = join(root, 'out');
    const ac = new AbortController();
    let seen = 0;
    const first = await gradeAll(jobs, { jobs: 2, outDir: out, signal: ac.signal }, {
      onResult: () => {
        if (++seen === 3) ac.abort(); // as if killed here: the runs in flight finish, nothing new starts
      },
    }, pythonEngine());
    const stored = readdirSync(join(storeRoot(out), 'sleepy')).filter((f) => f.endsWith('.json'));
    expect(stored.length).toBe(first.submissions.length);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(stored.length).toBeLessThan(jobs.length);

    const engine = pythonEngine();
    const reusedIds: string[] = [];
    const resumed = await gradeAll(jobs, { jobs: 2, outDir: out, resume: true }, {
      onResult: (job, _r, info) => info.reused && reusedIds.push(job.id),
    }, engine);
    expect(engine.runs).toBe(jobs.length - stored.length);
    expect(reusedIds.sort()).toEqual(first.submissions.map((s) => s.id).sort());
    // Stored results are kept as they were (same gradedAt), not regraded.
    for (const s of first.submissions) expect(resumed.submissions.find((r) => r.id === s.id)).toEqual(s);
    // Same submissions, order, verdicts and scores as the uninterrupted run; only times differ.
    expect(withoutTimes(resumed)).toEqual(withoutTimes(full));
    expect(resumed.submissions.map((s) => s.score)).toEqual([1, 1, 1, 1, 0, 1, 1]);

    // Resuming a complete batch grades nothing and reproduces the final results exactly.
    const again = pythonEngine();
    const twice = await gradeAll(jobs, { jobs: 2, outDir: out, resume: true }, {}, again);
    expect(again.runs).toBe(0);
    expect(JSON.stringify(twice)).toBe(JSON.stringify(resumed));
  });

  it('regrades everything when the spec file changed, and only the changed submission when one was resubmitted', async () => {
    const out = join(root, 'out');
    await gradeAll(jobs, { jobs: 3, outDir: out }, {}, pythonEngine());

    writeTree(root, { 'subs/s4/main.py': sleeper(0.1) });
    const one = pythonEngine();
    const r1 = await gradeAll(jobs, { jobs: 3, outDir: out, resume: true }, {}, one);
    expect(one.runs).toBe(1);
    expect(r1.submissions.find((s) => s.id === 's4')!.score).toBe(1);

    writeFileSync(specFile(), 'name: sleepy\n# fixed a tolerance\n');
    const all = pythonEngine();
    await gradeAll(jobs, { jobs: 3, outDir: out, resume: true }, {}, all);
    expect(all.runs).toBe(jobs.length);

    const clock = pythonEngine();
    await gradeAll(jobs, { jobs: 3, outDir: out, resume: true, timeScale: 2 }, {}, clock);
    expect(clock.runs).toBe(jobs.length); // other options, other results
  });

  it('without --resume everything is graded again and the stored files are replaced', async () => {
    const out = join(root, 'out');
    await gradeAll(jobs, { jobs: 3, outDir: out }, {}, pythonEngine());
    writeFileSync(resultPath(out, 'sleepy', 's0'), '{ truncated');
    const engine = pythonEngine();
    const r = await gradeAll(jobs, { jobs: 3, outDir: out }, {}, engine);
    expect(engine.runs).toBe(jobs.length);
    expect(r.submissions).toHaveLength(jobs.length);
    // A corrupt stored file is regraded on resume rather than trusted.
    writeFileSync(resultPath(out, 'sleepy', 's0'), '{ truncated');
    const again = pythonEngine();
    await gradeAll(jobs, { jobs: 3, outDir: out, resume: true }, {}, again);
    expect(again.runs).toBe(1);
  });
});

describe('submission hashing', () => {
  it('does not follow symlinks (a link to .. must not loop) and sees content changes', async () => {
    const { hashTree } = await import('../src/batch/store.js');
    const { symlinkSync } = await import('node:fs');
    const root = tempDir();
    try {
      writeTree(root, { 'sub/main.py': 'print(1)\n' });
      symlinkSync('..', join(root, 'sub', 'up'));
      const a = await hashTree(join(root, 'sub'));
      expect(await hashTree(join(root, 'sub'))).toBe(a);
      writeTree(root, { 'sub/main.py': 'print(2)\n' });
      expect(await hashTree(join(root, 'sub'))).not.toBe(a);
      // A submission that is a link is hashed as the link, never followed (the run refuses it).
      symlinkSync(join(root, 'sub'), join(root, 'alias'));
      expect(await hashTree(join(root, 'alias'))).not.toBe(await hashTree(join(root, 'sub')));
    } finally {
      removeDir(root);
    }
  });

  it('stops at the copy\'s limits (files, bytes) with a key that never matches; never opens a FIFO; aborts', async () => {
    const { hashTreeBounded } = await import('../src/batch/hash-tree.js');
    const { execFileSync } = await import('node:child_process');
    const root = tempDir();
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 300; i++) files[`many/f${i}.txt`] = `${i}\n`;
      writeTree(root, { ...files, 'big/a.bin': 'x'.repeat(5000), 'fifo/main.py': 'print(1)\n' });
      const limits = { files: 100, bytes: 4096, ms: 20_000 };
      const many = await hashTreeBounded(join(root, 'many'), { limits });
      expect(many.overLimit).toBe('more than 100 files');
      expect((await hashTreeBounded(join(root, 'many'), { limits })).hash).not.toBe(many.hash);
      expect((await hashTreeBounded(join(root, 'big'), { limits })).overLimit).toBe('more than 4096 bytes of files');
      execFileSync('mkfifo', [join(root, 'fifo', 'pipe')]);
      const f = await hashTreeBounded(join(root, 'fifo'), { limits }); // would block forever if opened
      expect([f.overLimit, f.hash]).toEqual([undefined, (await hashTreeBounded(join(root, 'fifo'), { limits })).hash]);
      await expect(hashTreeBounded(join(root, 'many'), { signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop');
    } finally {
      removeDir(root);
    }
  });
});
