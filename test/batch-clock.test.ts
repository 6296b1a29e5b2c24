/**
 * `--clock virtual` on a batch that mixes runtimes: Python and Node have a virtual clock, a
 * command spec keeps the real clock (as it must: `clock: virtual` on it is a spec error), runs
 * with the real-clock parallelism, and its runs say why they were not virtual.
 */

import { join } from 'node:path';
import { effectiveClock, effectiveSpec, gradeOne } from '../src/batch/grade-one.js';
import { jobsFor } from '../src/batch/grade-all.js';
import { defaultJobs } from '../src/batch/pool.js';
import { hashOptions } from '../src/batch/store.js';
import type { Job } from '../src/batch/types.js';
import { makeSpec, removeDir, sleeper, tempDir, writeTree } from './batch-helpers.js';

const py = makeSpec('py');
const node = makeSpec('js', { runtime: 'node', entry: 'main.js' });
const cmd = makeSpec('sh', { runtime: 'command', command: ['sh', '{entry}'], entry: 'main.sh' });
const job = (spec: typeof py): Job => ({ spec, submission: '/nowhere', id: 'x' });

describe('--clock virtual and runtimes without a virtual clock', () => {
  it('applies to Python and Node specs only; --clock real and the spec’s own clock are unchanged', () => {
    expect(effectiveClock(py, 'virtual')).toBe('virtual');
    expect(effectiveClock(node, 'virtual')).toBe('virtual');
    expect(effectiveClock(makeSpec('cmd', { runtime: 'command', command: ['sh', '{entry}'] }), 'virtual')).toBe('real');
    expect(effectiveClock(py, 'real')).toBe('real');
    expect(effectiveClock(makeSpec('pv', { clock: 'virtual' }), undefined)).toBe('virtual');
    expect(effectiveSpec(node, { clock: 'virtual' }).run.clock).toBe('virtual');
    expect(effectiveSpec(cmd, { clock: 'virtual' }).run.clock).toBe('real');
    expect(effectiveSpec(py, { clock: 'virtual' }).run.clock).toBe('virtual');
  });

  it('--python pins Python specs only: a node spec in the same batch keeps its interpreter', () => {
    expect(effectiveSpec(py, { interpreter: '3.12' }).run.interpreter).toBe('3.12');
    expect(effectiveSpec(node, { interpreter: '3.12' }).run.interpreter).toBe(node.run.interpreter);
  });

  it('a command job keeps the batch at real-clock parallelism, and its stored results stay reusable', () => {
    expect(jobsFor([job(py), job(node)], { clock: 'virtual' })).toBe(defaultJobs('virtual'));
    expect(jobsFor([job(py), job(cmd)], { clock: 'virtual' })).toBe(defaultJobs('real'));
    // The command run is the same real run with or without the flag: --resume may reuse it.
    expect(hashOptions(cmd, { clock: 'virtual' })).toBe(hashOptions(cmd, {}));
    expect(hashOptions(node, { clock: 'virtual' })).not.toBe(hashOptions(node, {}));
    expect(hashOptions(py, { clock: 'virtual' })).not.toBe(hashOptions(py, {}));
  });

  describe('graded for real', () => {
    let root: string;
    beforeAll(() => {
      root = tempDir('tg-clock-');
      writeTree(root, {
        'js/main.js': "setTimeout(() => console.log('done'), 200);\n",
        'py/main.py': sleeper(0.2),
        'sh/main.sh': 'sleep 0.2; echo done\n',
      });
    });
    afterAll(() => removeDir(root));

    it('a command program runs in real time and its run says why; Node and Python ones are virtual', async () => {
      const sh = await gradeOne(cmd, join(root, 'sh'), { sandbox: 'none', clock: 'virtual' });
      expect(sh.error).toBeUndefined();
      expect(sh.score).toBe(1);
      expect(sh.runs[0]!.clock).toBe('real');
      expect(sh.runs[0]!.clockFallback).toMatch(/virtual clock is for Python and Node programs only.*command program ran in real time/);
      expect(sh.runs[0]!.wallMs).toBeGreaterThanOrEqual(190); // the 0.2 s sleep really waited

      // Without the flag nothing was asked for, so nothing fell back.
      const plain = await gradeOne(node, join(root, 'js'), { sandbox: 'none' });
      expect(plain.runs[0]!.clockFallback).toBeUndefined();
      expect(plain.runs[0]!.clock).toBe('real');

      const js = await gradeOne(node, join(root, 'js'), { sandbox: 'none', clock: 'virtual' });
      expect(js.score).toBe(1);
      expect(js.runs[0]!.clock).toBe('virtual');
      expect(js.runs[0]!.clockFallback).toBeUndefined();
      expect(js.runs[0]!.trace.map((l) => l.tMs)).toEqual([200]);

      const pyRun = await gradeOne(py, join(root, 'py'), { sandbox: 'none', clock: 'virtual' });
      expect(pyRun.score).toBe(1);
      expect(pyRun.runs[0]!.clock).toBe('virtual');
      expect(pyRun.runs[0]!.clockFallback).toBeUndefined();
    }, 30_000);
  });
});
