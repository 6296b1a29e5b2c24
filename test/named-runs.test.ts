/**
 * Named runs end to end: a two-run spec (two course drivers importing one student module by
 * file name) graded through gradeOne with a real Python, then shown by the terminal report.
 */

import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { gradeOne } from '../src/batch/grade-one.js';
import { hashSpec } from '../src/batch/store.js';
import { loadSpecFile } from '../src/spec/load.js';
import { renderSubmission } from '../src/report/terminal.js';
import { removeDir, tempDir, writeTree } from './batch-helpers.js';

const SPEC = `
name: course-two-drivers
run: { limits: { wall: 20s } }
runs:
  task0: { entry: 0-main.py, files: [drivers/0-main.py] }
  task1: { entry: 1-main.py, files: [drivers/1-main.py] }
lines:
  delay: "/^([\\\\d.]+)$/"
  delays: "/^\\\\[(.*)\\\\]$/"
checks:
  - { id: returns-a-delay, run: task0, value: { line: $delay, at_least: 0, at_most: 0.3 } }
  - id: returns-what-it-slept
    run: task0
    value: { line: $delay, about: "runtime", tolerance: 0.6s }
    requires: returns-a-delay
  - id: n-delays-sorted
    run: task1
    requires: returns-a-delay
    value: { line: $delays, list: true, items: 3, ascending: true }
  - id: concurrent
    run: task1
    requires: n-delays-sorted
    runtime: { about: "max($delays)", tolerance: 0.6s }
`;

const MODULE = `import asyncio
import random


async def wait_random(max_delay=10):
    d = random.uniform(0, max_delay)
    await asyncio.sleep(d)
    return d


async def wait_n(n, max_delay):
    done = []
    async def one():
        done.append(await wait_random(max_delay))
    await asyncio.gather(*(one() for _ in range(n)))
    return done
`;

describe('named runs through gradeOne', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('tg-named-');
    writeTree(root, {
      'spec/course.yaml': SPEC,
      'spec/drivers/0-main.py': "import asyncio\nw = __import__('0-basic_async_syntax').wait_random\nprint(round(asyncio.run(w(0.3)), 3))\n",
      'spec/drivers/1-main.py': "import asyncio\nw = __import__('0-basic_async_syntax').wait_n\nprint(sorted(asyncio.run(w(3, 0.4))))\n",
      'good/0-basic_async_syntax.py': MODULE,
      // wait_random ignores max_delay: task 0 fails, so task 1's checks are skipped.
      'wrong/0-basic_async_syntax.py': MODULE.replace('random.uniform(0, max_delay)', '1.5'),
    });
  });
  afterAll(() => removeDir(root));

  it('runs each named run, files each check under its run, and requires reaches across runs', async () => {
    const loaded = await loadSpecFile(join(root, 'spec/course.yaml'));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spec = loaded.spec!;

    const good = await gradeOne(spec, join(root, 'good'), { sandbox: 'none' });
    expect(good.error).toBeUndefined();
    expect(good.runs.map((r) => [r.name, r.exitCode])).toEqual([['task0', 0], ['task1', 0]]);
    expect(good.checks.map((c) => [c.id, c.runName, c.run, c.status])).toEqual([
      ['returns-a-delay', 'task0', 0, 'passed'],
      ['returns-what-it-slept', 'task0', 0, 'passed'],
      ['n-delays-sorted', 'task1', 1, 'passed'],
      ['concurrent', 'task1', 1, 'passed'],
    ]);
    expect(good.score).toBe(4);

    const wrong = await gradeOne(spec, join(root, 'wrong'), { sandbox: 'none' });
    expect(wrong.checks.map((c) => [c.id, c.status])).toEqual([
      ['returns-a-delay', 'failed'],
      ['returns-what-it-slept', 'skipped'],
      ['n-delays-sorted', 'skipped'],
      ['concurrent', 'skipped'],
    ]);
    expect(wrong.checks[2]!.message).toBe("skipped: needs 'returns-a-delay' (The value in /^([\\d.]+)$/ is at least 0 and is at most 0.3), which failed in run 'task0'");

    // The terminal report names the run each check looked at.
    const text = renderSubmission(wrong, { color: false, showHidden: true, width: 200 });
    expect(text).toMatch(/✗ The value in .* \[task0\]/);
    expect(text).toContain("run 'task0' (1 of 2):");
  });

  it('a changed driver of a named run changes the spec hash (resume does not reuse stale results)', async () => {
    const spec = (await loadSpecFile(join(root, 'spec/course.yaml'))).spec!;
    const before = await hashSpec(spec);
    writeFileSync(join(root, 'spec/drivers/1-main.py'), "print('changed')\n");
    expect(await hashSpec(spec)).not.toBe(before);
  });
});
