/**
 * A task step's "blocked the loop" time leaves out the time its thread waited for a CPU
 * (runtime/python/_tracegrade/runqueue.py), so a loaded grader never turns a short step into a
 * blocking call. Here the thread is starved on purpose: pinned to one CPU at nice 19 beside a
 * busy loop pinned there too, it spends most of 300 ms of wall time waiting to run; the kernel's
 * run-queue wait that the tracer subtracts accounts for most of it.
 */

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { runtimePythonDir } from '../src/run/instrument/index.js';

const taskset = ['/usr/bin/taskset', '/bin/taskset'].find(existsSync);
const have = !!taskset && existsSync('/proc/thread-self/schedstat');
if (!have) console.log('runqueue: taskset or /proc/thread-self/schedstat missing: the starvation test is skipped');

(have ? test : test.skip)('a starved thread: most of its wall time is run-queue wait, which the blocking measure leaves out [needs taskset, schedstat]', async () => {
  const hog = execa(taskset!, ['-c', '0', '/usr/bin/python3', '-c', 'while True: pass'], { reject: false });
  try {
    const code = [
      'import time, sys',
      'from _tracegrade.runqueue import waited_s',
      'w0, t0 = waited_s(), time.monotonic()',
      'while time.monotonic() - t0 < 0.3: time.sleep(0.001)',
      'print(round(time.monotonic() - t0, 3), round(waited_s() - w0, 3))',
    ].join('\n');
    const r = await execa(taskset!, ['-c', '0', 'nice', '-n', '19', '/usr/bin/python3', '-c', code], { env: { PYTHONPATH: runtimePythonDir() } });
    const [wall, waited] = r.stdout.trim().split(' ').map(Number) as [number, number];
    expect(wall).toBeGreaterThanOrEqual(0.3);
    // Sleeping 1 ms at a time beside a busy loop at higher priority: each wake-up waits its turn.
    expect(waited).toBeGreaterThan(0.05);
    expect(waited).toBeLessThanOrEqual(wall + 0.05);
  } finally {
    hog.kill('SIGKILL');
    await hog;
  }
}, 20_000);

test('without procfs figures the wait counts as 0, never an error', async () => {
  const code = ['import os', 'os.open = None', 'from _tracegrade.runqueue import waited_s', 'print(waited_s())'].join('\n');
  const r = await execa('/usr/bin/python3', ['-c', code], { env: { PYTHONPATH: runtimePythonDir() } });
  expect(r.stdout.trim()).toBe('0.0');
});
