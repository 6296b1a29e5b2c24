import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradeAll } from '../src/batch/grade-all.js';
import { merge, MergeError } from '../src/batch/merge.js';
import { planJobs } from '../src/batch/plan.js';
import type { Job } from '../src/batch/types.js';
import { makeSpec, pythonEngine, removeDir, sleeper, tempDir, withoutTimes, writeTree } from './batch-helpers.js';

describe('shards and merge', () => {
  let root: string;
  let jobs: Job[];
  beforeAll(async () => {
    root = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`subs/a/s${i}/main.py`] = sleeper(0.05, i === 2 ? 'nope' : 'done');
    for (let i = 0; i < 3; i++) files[`subs/b/t${i}.py`] = sleeper(0.05);
    writeTree(root, files);
    jobs = (await planJobs([makeSpec('a'), makeSpec('b')], [join(root, 'subs')])).jobs;
  });
  afterAll(() => removeDir(root));

  it('merging the results of a 3-way split equals a single full run', async () => {
    const full = await gradeAll(jobs, { jobs: 2, outDir: join(root, 'full') }, {}, pythonEngine());
    expect(full.shard).toBeUndefined();

    const files: string[] = [];
    const seen = new Set<string>();
    for (const index of [3, 1, 2]) {
      const outDir = join(root, `shard${index}`);
      const part = await gradeAll(jobs, { jobs: 2, outDir, shard: { index, count: 3 }, sealKey: 'one matrix' }, {}, pythonEngine());
      expect(part.shard).toEqual({ index, count: 3 });
      for (const s of part.submissions) {
        expect(seen.has(`${s.spec}/${s.id}`)).toBe(false);
        seen.add(`${s.spec}/${s.id}`);
      }
      const f = join(outDir, 'results.json');
      writeFileSync(f, JSON.stringify(part));
      files.push(f);
    }
    const merged = merge(files);
    expect(merged.shard).toBeUndefined();
    expect(merged.submissions.map((s) => `${s.spec}/${s.id}`)).toEqual(full.submissions.map((s) => `${s.spec}/${s.id}`));
    expect(withoutTimes(merged)).toEqual(withoutTimes(full));

    // Given the same per-submission results, a full run and the merge are byte-identical:
    // gather every shard's stored results in one folder and "resume" the full plan (grades nothing).
    const gathered = join(root, 'gathered');
    for (const index of [1, 2, 3]) cpSync(join(root, `shard${index}`, '.tracegrade'), join(gathered, '.tracegrade'), { recursive: true });
    const engine = pythonEngine();
    const rebuilt = await gradeAll(jobs, { jobs: 2, outDir: gathered, resume: true, sealKey: 'one matrix' }, {}, engine);
    expect(engine.runs).toBe(0);
    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(merged));
    // Merging in any order, or with a file given twice, changes nothing.
    expect(JSON.stringify(merge([...files].reverse().concat(files[0]!)))).toBe(JSON.stringify(merged));

    expect(() => merge(files.slice(0, 2))).toThrow(/shard 2\/3 missing|shard \d\/3 missing/);
    expect(merge(files.slice(0, 2), { allowIncomplete: true }).submissions.length).toBeLessThan(jobs.length);
  });

  it('rejects files that are not tracegrade results, naming the file', () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    expect(() => merge([bad])).toThrow(MergeError);
    expect(() => merge([bad])).toThrow(/bad\.json is not a tracegrade results\.json/);
    expect(() => merge([join(root, 'missing.json')])).toThrow(/cannot read .*missing\.json/);
  });
});
