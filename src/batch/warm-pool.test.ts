import type { Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { RunRequest } from './engine.js';
import { SandboxUnavailableError } from '../run/sandbox/index.js';
import { WarmPool, warmDepth, warmPoolEnabled, type Prepare } from './warm-pool.js';

describe('warmPoolEnabled', () => {
  const auto = {};
  it('uses the pool for virtual-clock batches at any --jobs', () => {
    expect(warmPoolEnabled({ anyRealClock: false, jobs: 2, cores: 2 }, auto)).toBe(true);
    expect(warmPoolEnabled({ anyRealClock: false, jobs: 8, cores: 2 }, auto)).toBe(true);
  });
  it('beside real-clock runs only while --jobs leaves a core free for the start-ups', () => {
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 1, cores: 2 }, auto)).toBe(true);
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 2, cores: 2 }, auto)).toBe(false);
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 1, cores: 1 }, auto)).toBe(false);
  });
  it('TRACEGRADE_WARM=0 turns it off, =1 on, whatever the batch', () => {
    expect(warmPoolEnabled({ anyRealClock: false, jobs: 1, cores: 2 }, { TRACEGRADE_WARM: '0' })).toBe(false);
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 2, cores: 2 }, { TRACEGRADE_WARM: '1' })).toBe(true);
  });
});

describe('warmDepth', () => {
  it('keeps one more run ready than lanes for virtual-clock batches, one per lane beside real-clock runs', () => {
    expect(warmDepth({ anyRealClock: false, jobs: 1 })).toBe(2);
    expect(warmDepth({ anyRealClock: false, jobs: 4 })).toBe(5);
    expect(warmDepth({ anyRealClock: true, jobs: 1 })).toBe(1);
  });
});

describe('WarmPool order', () => {
  /** Requests of a Python spec: one run per item unless told otherwise. */
  const req = (submission: string, runIndex = 0): RunRequest => ({ spec: { run: { runtime: 'python' } } as Spec, submission, runIndex });
  const items = (n: number, runs = 1) => Array.from({ length: n }, (_, i) => Array.from({ length: runs }, (_, r) => req(`s${i}`, r)));

  function pool(planned: RunRequest[][], capacity: number) {
    const log: string[] = [];
    const prepare: Prepare = (r, warm) => {
      const name = `${r.submission}#${r.runIndex}`;
      log.push(`${warm ? 'prestart' : 'cold'} ${name}`);
      return { start: async () => (log.push(`go ${name}`), {} as RunRecord), discard: async () => void log.push(`discard ${name}`) };
    };
    return { warm: new WarmPool(planned, capacity, prepare), log };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it('fills to its depth after each run taken, in the order the lanes will want them', async () => {
    const planned = items(5);
    const { warm, log } = pool(planned, 2);
    await warm.run(0, 0, planned[0]![0]!);
    await tick();
    expect(log).toEqual(['cold s0#0', 'go s0#0', 'prestart s1#0', 'prestart s2#0']);
    await warm.run(1, 0, planned[1]![0]!);
    await tick();
    expect(log.slice(4)).toEqual(['go s1#0', 'prestart s3#0']);
    await warm.close();
    expect(log.slice(6).sort()).toEqual(['discard s2#0', 'discard s3#0']);
  });

  it('runs waiting for later turns give way when the sandbox has nothing left for the run whose turn it is', async () => {
    const planned = items(4);
    const log: string[] = [];
    let holders = 0; // prestarted runs holding the only uid
    const prepare: Prepare = (r, warm) => {
      const name = `${r.submission}#${r.runIndex}`;
      log.push(`${warm ? 'prestart' : 'cold'} ${name}`);
      if (warm) holders++;
      let held = warm;
      return {
        start: async () => {
          if (!warm && holders > 0) throw new SandboxUnavailableError('no free uid in 61950-61950');
          log.push(`go ${name}`);
          return {} as RunRecord;
        },
        discard: async () => {
          if (held) holders--;
          held = false;
          log.push(`discard ${name}`);
        },
      };
    };
    const warm = new WarmPool(planned, 2, prepare);
    await warm.run(0, 0, planned[0]![0]!);
    await tick();
    // s1 and s2 wait (the pool's depth is 2), each holding what a cold start needs.
    expect(log).toEqual(['cold s0#0', 'go s0#0', 'prestart s1#0', 'prestart s2#0']);
    // s3 out of order, cold: it finds nothing left, the waiting runs give way, it starts.
    const out = warm.run(3, 0, planned[3]![0]!);
    await expect(out).resolves.toEqual({});
    expect(log.slice(4)).toEqual(['cold s3#0', 'discard s1#0', 'discard s2#0', 'cold s3#0', 'go s3#0']);
    await warm.close();
  });

  it("pre-starts a submission's own next run first", async () => {
    const planned = items(3, 2);
    const { warm, log } = pool(planned, 2);
    await warm.run(0, 0, planned[0]![0]!);
    await tick();
    expect(log).toEqual(['cold s0#0', 'go s0#0', 'prestart s0#1']);
    await warm.run(0, 1, planned[0]![1]!);
    await tick();
    expect(log.slice(3)).toEqual(['go s0#1', 'prestart s1#0', 'prestart s2#0']);
    await warm.close();
  });
});
