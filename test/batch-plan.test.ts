import { join } from 'node:path';
import { planJobs, expandSpecPaths, PlanError } from '../src/batch/plan.js';
import { makeSpec, tempDir, removeDir, writeTree } from './batch-helpers.js';

const ids = (jobs: Array<{ spec: { name: string }; id: string }>) => jobs.map((j) => `${j.spec.name}:${j.id}`);

describe('planJobs', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir();
  });
  afterEach(() => removeDir(root));

  it('bundled layout: spec X grades submissions/X/*, in code-unit order, skipping hidden entries', async () => {
    writeTree(root, {
      'subs/alpha/zed/main.py': '',
      'subs/alpha/Bob/main.py': '',
      'subs/alpha/amy/main.py': '',
      'subs/alpha/.hidden/main.py': '',
      'subs/alpha/solo.py': '',
      'subs/alpha/notes.txt': '',
      'subs/beta/x/main.py': '',
      'subs/unrelated/y/main.py': '',
    });
    const plan = await planJobs([makeSpec('beta'), makeSpec('alpha'), makeSpec('gamma')], [join(root, 'subs')]);
    expect(ids(plan.jobs)).toEqual(['alpha:Bob', 'alpha:amy', 'alpha:solo.py', 'alpha:zed', 'beta:x']);
    expect(plan.jobs[0]!.submission).toBe(join(root, 'subs/alpha/Bob'));
    expect(plan.warnings).toEqual([expect.stringContaining('"gamma" has no submissions')]);
  });

  it('one spec and a class folder: each sub-folder is a submission; a folder with the entry is one submission', async () => {
    writeTree(root, { 'class/s1/main.py': '', 'class/s2/main.py': '', 'class/s2/helper.py': '', 'one/main.py': '', 'one/data/x.txt': '' });
    const spec = makeSpec('fc');
    expect(ids((await planJobs([spec], [join(root, 'class')])).jobs)).toEqual(['fc:s1', 'fc:s2']);
    const single = await planJobs([spec], [join(root, 'one')]);
    expect(ids(single.jobs)).toEqual(['fc:one']);
  });

  it('single files are submissions, graded against every spec given', async () => {
    writeTree(root, { 'a.py': '', 'b.py': '' });
    const plan = await planJobs([makeSpec('s2'), makeSpec('s1')], [join(root, 'b.py'), join(root, 'a.py')]);
    expect(ids(plan.jobs)).toEqual(['s1:a.py', 's1:b.py', 's2:a.py', 's2:b.py']);
  });

  it('deduplicates a path given twice and suffixes clashing ids deterministically', async () => {
    writeTree(root, { 'x/sam/main.py': '', 'y/sam/main.py': '' });
    const spec = makeSpec('fc');
    const plan = await planJobs([spec], [join(root, 'y/sam'), join(root, 'x/sam'), join(root, 'x/sam')]);
    expect(plan.jobs.map((j) => [j.id, j.submission])).toEqual([
      ['sam', join(root, 'x/sam')],
      ['sam~2', join(root, 'y/sam')],
    ]);
  });

  it('is deterministic whatever the argument order', async () => {
    writeTree(root, { 'c/a/main.py': '', 'c/b/main.py': '', 'd.py': '' });
    const specs = [makeSpec('p'), makeSpec('q')];
    const one = await planJobs(specs, [join(root, 'c'), join(root, 'd.py')]);
    const two = await planJobs([...specs].reverse(), [join(root, 'd.py'), join(root, 'c')]);
    expect(ids(two.jobs)).toEqual(ids(one.jobs));
  });

  it('a missing path or two specs with one name is a clear PlanError', async () => {
    await expect(planJobs([makeSpec('a')], [join(root, 'nope')])).rejects.toThrow(/submission not found: .*nope/);
    await expect(planJobs([makeSpec('a', {}, '/x/a.yaml'), makeSpec('a', {}, '/y/a.yaml')], [root])).rejects.toBeInstanceOf(PlanError);
  });

  it('expandSpecPaths lists *.yaml / *.yml of a folder, sorted', async () => {
    writeTree(root, { 'specs/b.yaml': '', 'specs/a.yml': '', 'specs/readme.md': '', 'specs/.c.yaml': '' });
    expect(await expandSpecPaths([join(root, 'specs')])).toEqual([join(root, 'specs/a.yml'), join(root, 'specs/b.yaml')]);
    await expect(expandSpecPaths([join(root, 'none')])).rejects.toThrow(/spec not found/);
  });
});
