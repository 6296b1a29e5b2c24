/**
 * A task that raises and that nobody awaits: Python logs "Task exception was never retrieved"
 * on stderr. Under the task tracer it must log it too (the tracer reads the task's outcome
 * without marking it retrieved), or the student never learns that their background task
 * failed. A program that does retrieve the exception gets no such log, as without the tracer.
 * Oldest and newest Python here, both clocks, through the real runner.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSubmission } from '../src/run/index.js';
import type { RunSettings } from '../src/spec/types.js';
import { levelFor, pythons } from './facilities.js';

const program = (retrieve: boolean) => `import asyncio


async def boom():
    raise ValueError("bad")


async def main():
    t = asyncio.create_task(boom())
    await asyncio.sleep(0.1)
${retrieve ? '    print("retrieved", repr(t.exception()))\n' : ''}    print("done")

asyncio.run(main())
`;

const interps = pythons().filter((p) => p.minor === 8 || p.minor === 13);
const each = interps.length ? describe.each(interps) : describe.skip.each([{ version: 'none', exe: '', minor: 0 }]);

each('Python $version', ({ exe }) => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracegrade-unawaited-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function run(clock: 'real' | 'virtual', retrieve: boolean) {
    await writeFile(join(dir, 'main.py'), program(retrieve));
    const settings = { runtime: 'python', entry: 'main.py', clock, traceTasks: true, files: [], args: [], env: {}, interpreter: exe, limits: {}, repeat: 1, policy: 'all' } as unknown as RunSettings;
    const r = await runSubmission({ submission: dir, settings, sandbox: await levelFor(exe), acceptNoIsolation: true });
    const out = r.trace.filter((l) => l.stream === 'stdout').map((l) => l.text);
    const err = r.trace.filter((l) => l.stream === 'stderr').map((l) => l.text).join('\n');
    return { r, out, err };
  }

  test.each(['virtual', 'real'] as const)('%s clock: the never-retrieved exception is logged on stderr', async (clock) => {
    const { r, out, err } = await run(clock, false);
    expect(r.exitCode).toBe(0);
    expect(out).toEqual(['done']);
    expect(err).toMatch(/Task exception was never retrieved/);
    expect(err).toMatch(/raise ValueError\("bad"\)\nValueError: bad/);
  });

  test.each(['virtual', 'real'] as const)('%s clock: a retrieved exception is not logged', async (clock) => {
    const { r, out, err } = await run(clock, true);
    expect(r.exitCode).toBe(0);
    expect(out).toEqual(["retrieved ValueError('bad')", 'done']);
    expect(err).toBe('');
  });
});
