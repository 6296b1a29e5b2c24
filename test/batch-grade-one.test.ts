import { join } from 'node:path';
import { gradeOne, effectiveSpec } from '../src/batch/grade-one.js';
import { makeSpec, removeDir, sleeper, tempDir, writeTree } from './batch-helpers.js';

describe('gradeOne (real runner and scorer)', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir();
    writeTree(root, {
      'good/main.py': sleeper(0.05),
      'bad/main.py': sleeper(0.05, 'not it'),
      'empty/readme.txt': 'no main.py here',
      'single.py': sleeper(0.01),
    });
  });
  afterAll(() => removeDir(root));

  it('grades a folder: id = folder name, repeat runs, scored', async () => {
    const spec = makeSpec('tiny', { repeat: 2 });
    const r = await gradeOne(spec, join(root, 'good'), { sandbox: 'none' });
    expect(r.id).toBe('good');
    expect(r.spec).toBe('tiny');
    expect(r.runs).toHaveLength(2);
    expect(r.runs[0]!.trace.map((l) => l.text)).toEqual(['start', 'done']);
    expect(r.score).toBe(1);
    expect(r.error).toBeUndefined();
    const bad = await gradeOne(spec, join(root, 'bad'), { sandbox: 'none', repeat: 1 });
    expect(bad.runs).toHaveLength(1);
    expect(bad.score).toBe(0);
    expect(bad.checks[0]!.status).toBe('failed');
  });

  it('a single file is the entry whatever its name; its id is the file name', async () => {
    const r = await gradeOne(makeSpec('tiny'), join(root, 'single.py'), { sandbox: 'none' });
    expect(r.id).toBe('single.py');
    expect(r.score).toBe(1);
  });

  it('never throws: a folder without the entry and a missing path become error results', async () => {
    const spec = makeSpec('tiny');
    const empty = await gradeOne(spec, join(root, 'empty'), { sandbox: 'none' });
    expect(empty.score).toBe(0);
    expect(empty.error).toMatch(/main\.py/);
    const missing = await gradeOne(spec, join(root, 'nowhere'), { sandbox: 'none' });
    expect(missing.score).toBe(0);
    expect(missing.error).toBeTruthy();
    expect(missing.checks.every((c) => c.points === 0)).toBe(true);
    // A harness problem (no such interpreter) is also a result, not an exception.
    const pinned = await gradeOne(spec, join(root, 'good'), { sandbox: 'none', interpreter: '/nonexistent/python9' });
    expect(pinned.score).toBe(0);
    expect(pinned.error).toMatch(/python9/);
  });

  it('applies command-line overrides without touching the spec', () => {
    const spec = makeSpec('tiny');
    const eff = effectiveSpec(spec, { clock: 'virtual', interpreter: '3.12', timeScale: 2, repeat: 3 });
    expect([eff.run.clock, eff.run.interpreter, eff.timing.scale, eff.run.repeat]).toEqual(['virtual', '3.12', 2, 3]);
    expect([spec.run.clock, spec.run.interpreter, spec.timing.scale, spec.run.repeat]).toEqual(['real', undefined, 1, 1]);
  });
});
