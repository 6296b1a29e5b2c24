import fc from 'fast-check';
import { parseShard, shardJobs } from '../src/batch/shard.js';

describe('shards', () => {
  it('parses i/n and rejects nonsense with a usage message', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '2', '-1/3']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('the slices of any split partition the job list exactly, keep plan order, and differ in size by at most one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: 1, max: 17 }), (items, count) => {
        const jobs = items.map((v, k) => ({ k, v }));
        const slices = Array.from({ length: count }, (_, i) => shardJobs(jobs, { index: i + 1, count }));
        const all = slices.flat().map((j) => j.k).sort((a, b) => a - b);
        expect(all).toEqual(jobs.map((j) => j.k)); // every job exactly once
        for (const s of slices) expect(s.map((j) => j.k)).toEqual([...s.map((j) => j.k)].sort((a, b) => a - b));
        const sizes = slices.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        // Deterministic: the same call gives the same slice.
        expect(shardJobs(jobs, { index: 1, count })).toEqual(slices[0]);
      }),
    );
  });
});
