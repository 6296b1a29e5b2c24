import { join } from 'node:path';
import { cores, defaultJobs, runPool } from '../src/batch/pool.js';
import { gradeAll, jobsFor } from '../src/batch/grade-all.js';
import { planJobs } from '../src/batch/plan.js';
import { makeSpec, pythonEngine, removeDir, sleeper, tempDir, writeTree } from './batch-helpers.js';

describe('runPool', () => {
  it('never has more than N workers in flight, uses all N, and returns results in item order', async () => {
    for (const n of [1, 3, 5]) {
      let inFlight = 0;
      let max = 0;
      const items = Array.from({ length: 12 }, (_, i) => i);
      const out = await runPool(items, n, async (x) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, 5 + ((x * 7) % 11)));
        inFlight--;
        return x * 2;
      });
      expect(max).toBe(n);
      expect(out).toEqual(items.map((x) => x * 2));
    }
  });

  it('stops starting items once aborted', async () => {
    const ac = new AbortController();
    const started: number[] = [];
    const out = await runPool([0, 1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      if (x === 1) ac.abort();
      await new Promise((r) => setTimeout(r, 5));
      return x;
    }, { signal: ac.signal });
    expect(started).toEqual([0, 1]);
    expect(out.slice(2)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('default parallelism', () => {
  const job = (clock: 'real' | 'virtual') => ({ spec: makeSpec('x', { clock }), submission: '/x', id: 'x' });
  it('virtual-clock batches use every core; any real-clock job limits the batch to one per core; --jobs wins', () => {
    expect(defaultJobs('virtual', 8)).toBe(8);
    expect(defaultJobs('real', 2)).toBe(2);
    expect(jobsFor([job('virtual'), job('virtual')], {})).toBe(cores());
    expect(jobsFor([job('virtual'), job('real')], {})).toBe(defaultJobs('real'));
    expect(jobsFor([job('real')], { clock: 'virtual' })).toBe(cores());
    expect(jobsFor([job('virtual')], { jobs: 3 })).toBe(3);
  });
});

describe('gradeAll parallelism with real Python processes', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`subs/s${i}/main.py`] = sleeper(0.3);
    writeTree(root, files);
  });
  afterAll(() => removeDir(root));

  it('--jobs N: at most N programs run at once, N is recorded in the results, and N > 1 is faster', async () => {
    const { jobs } = await planJobs([makeSpec('sleepy')], [join(root, 'subs')]);
    const elapsed: Record<number, number> = {};
    const busy: Record<number, number> = {};
    for (const n of [1, 3]) {
      const engine = pythonEngine();
      // In-flight counts measured around each real child process, independently of the pool's bookkeeping.
      const t0 = performance.now();
      const results = await gradeAll(jobs, { jobs: n, outDir: join(root, `out${n}`) }, {}, engine);
      elapsed[n] = performance.now() - t0;
      busy[n] = engine.busyMs;
      expect(engine.maxInFlight).toBe(n);
      expect(results.jobs).toBe(n);
      expect(results.submissions.map((s) => s.score)).toEqual([1, 1, 1, 1, 1, 1]);
    }
    // 6 programs sleeping 0.3 s: one at a time takes ≥ 1.8 s; three at once take ≥ 0.6 s and clearly less.
    expect(elapsed[1]!).toBeGreaterThanOrEqual(6 * 300);
    expect(elapsed[3]!).toBeGreaterThanOrEqual(2 * 300);
    // "Faster", measured within one batch (so the machine's load, which comes and goes, cancels
    // out): three at a time overlap, so the batch takes well under its runs' summed durations;
    // one at a time it takes all of them.
    expect(elapsed[3]!).toBeLessThan(0.75 * busy[3]!);
    expect(elapsed[1]!).toBeGreaterThanOrEqual(busy[1]!);
  });
});
