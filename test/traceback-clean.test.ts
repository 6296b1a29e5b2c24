/**
 * Tracebacks the student sees carry no tracegrade frame (issue 14, defect 4): the tracer's
 * wrappers (the Task subclass's __await__ and __init__, thread start) are cut out where Python
 * prints tracebacks (runtime/python/_tracegrade/tbclean.py), on the oldest and newest Python,
 * through the real runner, in both clock modes. The student's own frames are all kept.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSubmission } from '../src/run/index.js';
import type { RunSettings } from '../src/spec/types.js';
import { levelFor, pythons } from './facilities.js';

/** Raises inside an awaited task (uncaught), after a caught create_task(non-coroutine) and a failing thread. */
const PROGRAM = `import asyncio
import threading
import traceback


async def work():
    await asyncio.sleep(0.1)
    raise ValueError("boom")


def crash():
    raise KeyError("in thread")


async def main():
    try:
        asyncio.get_running_loop().create_task(42)
    except TypeError:
        traceback.print_exc()
    t = threading.Thread(target=crash)
    t.start()
    t.join()
    task = asyncio.create_task(work())
    await task

asyncio.run(main())
`;

const interps = pythons().filter((p) => p.minor === 8 || p.minor === 13);
const each = interps.length ? describe.each(interps) : describe.skip.each([{ version: 'none', exe: '', minor: 0 }]);

each('Python $version', ({ exe }) => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracegrade-tb-'));
    await writeFile(join(dir, 'main.py'), PROGRAM);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test.each(['virtual', 'real'] as const)('%s clock: no _tracegrade frame, every student frame kept', async (clock) => {
    const settings: RunSettings = { runtime: 'python', entry: 'main.py', clock, traceTasks: true, files: [], args: [], env: {}, interpreter: exe, limits: {}, repeat: 1, policy: 'all' } as unknown as RunSettings;
    const r = await runSubmission({ submission: dir, settings, sandbox: await levelFor(exe), acceptNoIsolation: true });
    const err = r.trace.filter((l) => l.stream === 'stderr').map((l) => l.text);
    const text = err.join('\n');
    expect(r.exitCode).toBe(1);
    expect(text).not.toMatch(/_tracegrade|sitecustomize/);
    // The uncaught exception from the awaited task: main's await and work's raise, in order.
    expect(text).toMatch(/File ".*main\.py", line 24, in main\n\s+await task\n(.*\n)*?\s*File ".*main\.py", line 8, in work\n\s+raise ValueError\("boom"\)\nValueError: boom/);
    // The caught create_task(42), printed by traceback.print_exc(), and the thread's exception.
    expect(text).toMatch(/File ".*main\.py", line 17, in main\n/);
    expect(text).toMatch(/TypeError: .*coroutine/);
    expect(text).toMatch(/File ".*main\.py", line 12, in crash\n\s+raise KeyError\("in thread"\)\nKeyError: 'in thread'/);
  });
});
