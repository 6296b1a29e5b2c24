/**
 * Task-structure checks on traces recorded from real programs under the virtual clock: the
 * asyncio solution passes, fakes built on threads or time.sleep fail with a reason a student
 * can act on, and the whole fetch-and-count spec gives each program its expected verdicts.
 */

import { evaluateTaskRule } from '../src/check/tasks.js';
import { evaluateChecks } from '../src/check/index.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Check, Spec, TaskRule } from '../src/spec/types.js';
import type { RunRecord } from '../src/trace/types.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interpreters, pool, runPy } from './virtual-helpers.js';

const PY = interpreters();
const NEWEST = PY[PY.length - 1]!;

const RULES: Record<string, TaskRule> = {
  uses: { kind: 'uses_asyncio' },
  concurrent: { kind: 'concurrent', atLeast: 2 },
  overlap: { kind: 'overlap', names: ['fetch_data', 'print_numbers'] },
  awaited: { kind: 'awaited', name: 'fetch_data' },
  createTask: { kind: 'created_with', name: 'fetch_data', via: 'create_task' },
  blocking: { kind: 'max_blocking', ms: 50 },
};

function verdicts(run: RunRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, rule] of Object.entries(RULES)) out[k] = evaluateTaskRule(k, rule, run).status;
  return out;
}

function why(run: RunRecord, k: keyof typeof RULES): string {
  return evaluateTaskRule(k, RULES[k]!, run).message;
}

const runs: Record<string, RunRecord> = {};
const FILES = ['fetch.py', 'gather.py', 'sequential.py', 'blocking.py', 'threads.py', 'sleeponly.py', 'notawaited.py', 'cpublock.py', 'crash.py', 'hardcoded.py', ...(NEWEST.minor >= 11 ? ['taskgroup.py'] : [])];

beforeAll(async () => {
  const got = await pool(FILES.map((f) => () => runPy(NEWEST.exe, f)));
  FILES.forEach((f, i) => (runs[f] = got[i]!.record));
});

describe(`task checks on programs run under Python ${NEWEST.version}`, () => {
  test('the asyncio solution passes every structure check', () => {
    expect(verdicts(runs['fetch.py']!)).toEqual({ uses: 'passed', concurrent: 'passed', overlap: 'passed', awaited: 'passed', createTask: 'passed', blocking: 'passed' });
    expect(why(runs['fetch.py']!, 'concurrent')).toMatch(/2 tasks were working at the same time \(fetch_data \(Task-2\), print_numbers \(Task-3\)\)/);
  });

  test.each(['threads.py', 'sleeponly.py'])('%s fakes the output but fails every structure check, saying why', (f) => {
    const run = runs[f]!;
    expect(run.clock).toBe('virtual');
    expect(Object.values(verdicts(run))).toEqual(Array(6).fill('failed'));
    for (const k of Object.keys(RULES)) expect(why(run, k)).toMatch(/no asyncio task ran/);
  });

  // The reason given is the tracer's evidence of what each program did instead.
  test('each program without tasks is told what it did instead', () => {
    expect(why(runs['threads.py']!, 'uses')).toMatch(/started 2 threads \(fetch_data, print_numbers\) and waited with time\.sleep \(11 calls, 4\.50 s in all\)/);
    const sleeps = why(runs['sleeponly.py']!, 'overlap');
    expect(sleeps).toMatch(/waited with time\.sleep \(10 calls, 2\.50 s in all\), without an asyncio event loop/);
    expect(sleeps).not.toMatch(/thread/i);
    const crash = runs['crash.py']!;
    expect(crash.exitCode).toBe(1);
    expect(Object.values(verdicts(crash))).toEqual(Array(6).fill('failed'));
    expect(why(crash, 'overlap')).toMatch(/exited with code 1 after .*, stopped by 'RuntimeError: no running event loop' at .* before any task started/);
    const flat = why(runs['hardcoded.py']!, 'blocking');
    expect(flat).toMatch(/printed all 13 lines at once .*without waiting and without asyncio/);
    expect(flat).not.toMatch(/thread|time\.sleep \(/);
  });

  test('blocking time.sleep inside coroutines: asyncio is used, but nothing overlaps and the loop is blocked', () => {
    const run = runs['blocking.py']!;
    expect(verdicts(run)).toEqual({ uses: 'passed', concurrent: 'failed', overlap: 'failed', awaited: 'passed', createTask: 'passed', blocking: 'failed' });
    expect(why(run, 'blocking')).toMatch(/blocked for 2\.00 s by time\.sleep\(2\) in fetch_data/);
    expect(why(run, 'blocking')).toMatch(/await asyncio\.sleep/);
    expect(why(run, 'overlap')).toMatch(/fetch_data ran 0\.00 s–2\.00 s; print_numbers ran 2\.00 s–4\.50 s/);
  });

  test('the sequential version awaits fetch_data directly: awaited, but no concurrency', () => {
    const run = runs['sequential.py']!;
    expect(verdicts(run)).toEqual({ uses: 'passed', concurrent: 'failed', overlap: 'failed', awaited: 'passed', createTask: 'failed', blocking: 'passed' });
    expect(why(run, 'overlap')).toMatch(/fetch_data never ran as a task of its own/);
    expect(why(run, 'concurrent')).toMatch(/at most 1 was/);
  });

  test('forgetting to await the task fails "awaited" with what happened to it', () => {
    const run = runs['notawaited.py']!;
    expect(evaluateTaskRule('a', RULES.awaited!, run).status).toBe('failed');
    expect(why(run, 'awaited')).toMatch(/fetch_data ran as Task-2 but nothing awaited it: it was cancelled/);
  });

  test('gather and TaskGroup are told apart from create_task', () => {
    expect(evaluateTaskRule('g', { kind: 'created_with', name: 'fetch_data', via: 'gather' }, runs['gather.py']!).status).toBe('passed');
    expect(evaluateTaskRule('g', { kind: 'concurrent', atLeast: 2 }, runs['gather.py']!).status).toBe('passed');
    const wrong = evaluateTaskRule('g', RULES.createTask!, runs['gather.py']!);
    expect(wrong.status).toBe('failed');
    expect(wrong.message).toMatch(/fetch_data was created with gather/);
    if (runs['taskgroup.py']) {
      expect(evaluateTaskRule('t', { kind: 'created_with', via: 'TaskGroup' }, runs['taskgroup.py']!).status).toBe('passed');
      expect(verdicts(runs['taskgroup.py']!).concurrent).toBe('passed');
    }
  });

  test('CPU work inside a coroutine blocks the loop too, and max_blocking says so', () => {
    const o = evaluateTaskRule('b', RULES.blocking!, runs['cpublock.py']!);
    expect(o.status).toBe('failed');
    // How long the CPU work takes is the machine's speed (1.04 s seen under load): ms or s.
    expect(o.message).toMatch(/blocked for (\d+ ms|\d+\.\d\d s) by a step of busy\(\) ran \d+ ms of real time without awaiting/);
    expect(evaluateTaskRule('b', { kind: 'max_blocking', ms: 60_000 }, runs['cpublock.py']!).status).toBe('passed');
  });

  test('without a trace, a task check fails and says tracing was missing', () => {
    const { tasks: _t, ...noTasks } = runs['fetch.py']!;
    expect(evaluateTaskRule('x', RULES.uses!, noTasks as RunRecord).message).toMatch(/no asyncio task trace was recorded/);
  });
});

// ---- the whole spec, under the virtual clock ----------------------------------------------
// Verdicts under the virtual clock only: real-clock runs of these programs race (threads.py
// prints from two threads at the same instants) and hang on the machine's load, so no verdict
// here depends on either. That the real clock gives the same verdicts is asserted once, for
// every bundled submission (their counterparts: reference, sequential, blocking-sleep,
// thread-fake, sleep-fake, forgot-await), by test/curriculum.test.ts.

const SPEC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'specs', 'fetch-and-count.yaml');

function withTaskChecks(spec: Spec): Spec {
  const extra: Check[] = Object.entries(RULES).map(([k, rule]) => ({
    id: `tasks-${k}`,
    title: k,
    points: 1,
    visibility: 'visible',
    requires: [],
    partial: false,
    body: { kind: 'tasks', rule },
  }));
  return { ...spec, checks: [...spec.checks, ...extra] };
}

/** What each program does wrong, check by check (every other check passes). */
const NOT_PASSED: Record<string, string[]> = {
  'fetch.py': [],
  'sequential.py': ['done-around-eight:failed', 'value-after-done:skipped', 'overlapping-runtime:failed', 'overlapping-tasks:failed', 'tasks-concurrent:failed', 'tasks-overlap:failed', 'tasks-createTask:failed'],
  'blocking.py': ['done-around-eight:failed', 'value-after-done:skipped', 'overlapping-runtime:failed', 'overlapping-tasks:failed', 'loop-never-blocked:failed', 'tasks-concurrent:failed', 'tasks-overlap:failed', 'tasks-blocking:failed'],
  'threads.py': ['overlapping-tasks:failed', 'loop-never-blocked:failed', 'tasks-uses:failed', 'tasks-concurrent:failed', 'tasks-overlap:failed', 'tasks-awaited:failed', 'tasks-createTask:failed', 'tasks-blocking:failed'],
  'sleeponly.py': ['overlapping-tasks:failed', 'loop-never-blocked:failed', 'tasks-uses:failed', 'tasks-concurrent:failed', 'tasks-overlap:failed', 'tasks-awaited:failed', 'tasks-createTask:failed', 'tasks-blocking:failed'],
  'notawaited.py': ['starts-fetching:failed', 'counts-to-nine:failed', 'done-around-eight:skipped', 'value-after-done:skipped', 'numbers-tick:skipped', 'fetch-takes-two-seconds:failed', 'overlapping-runtime:skipped', 'overlapping-tasks:failed', 'tasks-concurrent:failed', 'tasks-overlap:failed', 'tasks-awaited:failed'],
};

test('every fixture gets its verdicts from the fetch-and-count spec plus the task checks, in virtual time', async () => {
  const loaded = await loadSpecFile(SPEC);
  expect(loaded.spec).toBeDefined();
  const spec = withTaskChecks(loaded.spec!);
  const files = Object.keys(NOT_PASSED);
  const got = await pool(files.map((f) => () => runPy(NEWEST.exe, f, { clock: 'virtual' })), 3);
  files.forEach((f, i) => {
    expect(got[i]!.record.clock).toBe('virtual');
    const notPassed = evaluateChecks(spec, got[i]!.record).filter((o) => o.status !== 'passed').map((o) => `${o.id}:${o.status}`);
    expect({ file: f, notPassed }).toEqual({ file: f, notPassed: NOT_PASSED[f] });
  });
}, 60_000);
