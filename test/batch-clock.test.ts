/**
 * `--clock virtual` on a batch that mixes runtimes: only Python has a virtual clock, so a node
 * spec keeps the real clock (as it must: `clock: virtual` on it is a spec error), runs with the
 * real-clock parallelism, and its runs say why they were not virtual. Python specs still get it.
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
const job = (spec: typeof py): Job => ({ spec, submission: '/nowhere', id: 'x' });

describe('--clock virtual and runtimes without a virtual clock', () => {
  it('applies to Python specs only; --clock real and the spec’s own clock are unchanged', () => {
    expect(effectiveClock(py, 'virtual')).toBe('virtual');
    expect(effectiveClock(node, 'virtual')).toBe('real');
    expect(effectiveClock(makeSpec('cmd', { runtime: 'command', command: ['sh', '{entry}'] }), 'virtual')).toBe('real');
    expect(effectiveClock(py, 'real')).toBe('real');
    expect(effectiveClock(makeSpec('pv', { clock: 'virtual' }), undefined)).toBe('virtual');
    expect(effectiveSpec(node, { clock: 'virtual' }).run.clock).toBe('real');
    expect(effectiveSpec(py, { clock: 'virtual' }).run.clock).toBe('virtual');
  });

  it('--python pins Python specs only: a node spec in the same batch keeps its interpreter', () => {
    expect(effectiveSpec(py, { interpreter: '3.12' }).run.interpreter).toBe('3.12');
    expect(effectiveSpec(node, { interpreter: '3.12' }).run.interpreter).toBe(node.run.interpreter);
  });

  it('a node job keeps the batch at real-clock parallelism, and its stored results stay reusable', () => {
    expect(jobsFor([job(py), job(py)], { clock: 'virtual' })).toBe(defaultJobs('virtual'));
    expect(jobsFor([job(py), job(node)], { clock: 'virtual' })).toBe(defaultJobs('real'));
    // The node run is the same real run with or without the flag: --resume may reuse it.
    expect(hashOptions(node, { clock: 'virtual' })).toBe(hashOptions(node, {}));
    expect(hashOptions(py, { clock: 'virtual' })).not.toBe(hashOptions(py, {}));
  });

  describe('graded for real', () => {
    let root: string;
    beforeAll(() => {
      root = tempDir('tg-clock-');
      writeTree(root, {
        'js/main.js': "setTimeout(() => console.log('done'), 200);\n",
        'py/main.py': sleeper(0.2),
      });
    });
    afterAll(() => removeDir(root));

    it('a node program runs in real time and its run says why; a Python one is virtual', async () => {
      const js = await gradeOne(node, join(root, 'js'), { sandbox: 'none', clock: 'virtual' });
      expect(js.error).toBeUndefined();
      expect(js.score).toBe(1);
      expect(js.runs[0]!.clock).toBe('real');
      expect(js.runs[0]!.clockFallback).toMatch(/virtual clock is Python-only.*node program ran in real time/);
      expect(js.runs[0]!.wallMs).toBeGreaterThanOrEqual(190); // the 200 ms timer really waited

      // Without the flag nothing was asked for, so nothing fell back.
      const plain = await gradeOne(node, join(root, 'js'), { sandbox: 'none' });
      expect(plain.runs[0]!.clockFallback).toBeUndefined();

      const pyRun = await gradeOne(py, join(root, 'py'), { sandbox: 'none', clock: 'virtual' });
      expect(pyRun.score).toBe(1);
      expect(pyRun.runs[0]!.clock).toBe('virtual');
      expect(pyRun.runs[0]!.clockFallback).toBeUndefined();
    }, 30_000);
  });
});
