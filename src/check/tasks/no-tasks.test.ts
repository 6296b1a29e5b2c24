/**
 * Task checks when no asyncio task ran: the explanation must fit what the run did (crashed,
 * was stopped, used threads, used time.sleep, printed everything at once), on synthetic runs.
 */

import type { TaskRule } from '../../spec/types.js';
import type { ProgramActivity, RunRecord, TaskEvent } from '../../trace/types.js';
import { evaluateTaskRule, whyNoTasks } from './index.js';
import { run, trace } from '../testkit.js';

const LINES = ['start fetching', '0', '1', '2', '3', '4', '5', '6', '7', 'done fetching', "{'data': 1}", '8', '9'];
/** fetch-and-count's lines at their real times (0.25 s apart, done at 2 s). */
const TIMED = trace(LINES.map((t, i): [number, string] => [i === 0 ? 0 : i <= 9 ? (i - 1) * 250 : i <= 11 ? 2000 : 2250, t]));
const AT_ONCE = trace(LINES.map((t, i): [number, string] => [i * 0.1, t]));

function act(over: Partial<ProgramActivity> = {}): ProgramActivity {
  return { asyncio: false, loopRan: false, threads: 0, threadNames: [], sleeps: 0, sleptMs: 0, ...over };
}

/** A run without any task, the way the tracer reports one. */
function noTaskRun(over: Partial<RunRecord>): RunRecord {
  return { ...run(TIMED, { wallMs: 2500 }), tasks: [], ...over };
}

const RULES: TaskRule[] = [
  { kind: 'uses_asyncio' },
  { kind: 'concurrent', atLeast: 2 },
  { kind: 'overlap', names: ['fetch_data', 'print_numbers'] },
  { kind: 'awaited', name: 'fetch_data' },
  { kind: 'created_with', via: 'create_task', name: 'fetch_data' },
  { kind: 'max_blocking', ms: 200 },
];

/** Every rule fails as 'missing' with the same explanation of why no task ran. */
function messages(r: RunRecord): string[] {
  const why = whyNoTasks(r).text;
  return RULES.map((rule) => {
    const o = evaluateTaskRule('t', rule, r);
    expect(o.status).toBe('failed');
    expect(o.category).toBe('missing');
    expect(o.message.endsWith(why)).toBe(true);
    return o.message;
  });
}

describe('why no asyncio task ran', () => {
  test('crash: names the exit and the exception, points at it, and says how create_task must be called', () => {
    const tr = trace([
      [150, 'Traceback (most recent call last):', 'stderr'],
      [150, '  File "/work/main.py", line 17, in <module>', 'stderr'],
      [151, 'RuntimeError: no running event loop', 'stderr'],
    ]);
    const r = noTaskRun({ trace: tr, exitCode: 1, wallMs: 175, activity: act({ asyncio: true }) });
    const msgs = messages(r);
    const why = whyNoTasks(r);
    expect(why.text).toBe(
      "no asyncio task ran: the program exited with code 1 after 175 ms, stopped by 'RuntimeError: no running event loop' at 0.15 s (trace line 3, stderr), " +
        'raised at main.py:17, before any task started. Fix that error first. ' +
        'asyncio.create_task only works while the event loop runs: call it inside main(), which asyncio.run(main()) starts — not at module level or in a plain def.',
    );
    expect(why.lines).toEqual([expect.objectContaining({ index: 2, stream: 'stderr', role: 'context' })]);
    expect(evaluateTaskRule('t', RULES[2]!, r).lines.map((l) => l.index)).toEqual([2]);
    for (const m of msgs) expect(m).not.toMatch(/imitates|threads|time\.sleep/);
  });

  test('crash with another exception: no create_task advice', () => {
    const r = noTaskRun({ trace: trace([[5, "NameError: name 'asyncio' is not defined", 'stderr']]), exitCode: 1, wallMs: 9 });
    const t = whyNoTasks(r).text;
    expect(t).toMatch(/exited with code 1 after 9 ms, stopped by "NameError: name 'asyncio' is not defined" at 0\.01 s \(trace line 1, stderr\)/);
    expect(t).not.toMatch(/create_task only works/);
  });

  test('non-zero exit without an exception, and a kill by a signal', () => {
    expect(whyNoTasks(noTaskRun({ trace: [], exitCode: 3, wallMs: 40 })).text).toBe(
      'no asyncio task ran: the program exited with code 3 after 40 ms, before any task started. Find out why it stops early (sys.exit, a crash) first.',
    );
    const killed = noTaskRun({ trace: [], exitCode: null, signal: 'SIGKILL', end: 'memory-limit', endDetail: 'memory limit 256 MB exceeded', wallMs: 800 });
    expect(whyNoTasks(killed).text).toMatch(/^no asyncio task ran: the program was killed by SIGKILL after 800 ms \(memory limit 256 MB exceeded\), before any task started/);
  });

  test('stopped at the wall-time limit: says so, with what it was doing', () => {
    const r = noTaskRun({ exitCode: null, signal: 'SIGTERM', timedOut: true, end: 'timeout', wallMs: 6000, activity: act({ threads: 1, threadNames: ['spin'] }) });
    const t = whyNoTasks(r).text;
    expect(t).toMatch(/^no asyncio task ran: the program was stopped at the wall-time limit after 6\.00 s, before any task started\. It had started a thread \(spin\) before that\./);
    expect(t).toMatch(/never finishes/);
    const dead = noTaskRun({ exitCode: null, signal: 'SIGTERM', timedOut: true, end: 'deadlock', endDetail: 'deadlock at 0.000 s (virtual): every thread is waiting', wallMs: 6000 });
    expect(whyNoTasks(dead).text).toMatch(/after 6\.00 s \(deadlock at 0\.000 s \(virtual\): every thread is waiting\)/);
  });

  test('printed every line at once: says so (with or without the tracer summary), no talk of threads', () => {
    for (const r of [noTaskRun({ trace: AT_ONCE, wallMs: 3, activity: act() }), noTaskRun({ trace: AT_ONCE, wallMs: 3 })]) {
      const msgs = messages(r);
      expect(whyNoTasks(r).text).toMatch(/^no asyncio task ran: the program printed all 13 lines at once \(within 1 ms\), without waiting and without asyncio\./);
      for (const m of msgs) expect(m).not.toMatch(/thread|time\.sleep \(/);
      for (const m of msgs) expect(m).toMatch(/await asyncio\.sleep/);
    }
  });

  test('threads: how many, which functions, and the sleeps they made', () => {
    const r = noTaskRun({ activity: act({ threads: 2, threadNames: ['fetch_data', 'print_numbers'], sleeps: 12, sleptMs: 4600 }) });
    messages(r);
    const t = whyNoTasks(r).text;
    expect(t).toMatch(/^no asyncio task ran: the program started 2 threads \(fetch_data, print_numbers\) and waited with time\.sleep \(12 calls, 4\.60 s in all\), without an asyncio event loop\. Threads can give the same lines/);
    expect(t).toMatch(/asyncio\.create_task inside main\(\)/);
  });

  test('time.sleep without threads: says it waited with time.sleep, not that it used threads', () => {
    const r = noTaskRun({ activity: act({ sleeps: 10, sleptMs: 2500 }) });
    messages(r);
    const t = whyNoTasks(r).text;
    expect(t).toMatch(/^no asyncio task ran: the program waited with time\.sleep \(10 calls, 2\.50 s in all\), without an asyncio event loop\. Printing between time\.sleep calls/);
    expect(t).not.toMatch(/thread/i);
    expect(whyNoTasks(noTaskRun({ activity: act({ sleeps: 1, sleptMs: 2000 }) })).text).toMatch(/waited with time\.sleep \(once, 2\.00 s in all\)/);
  });

  test('imports asyncio but never starts a loop (calls a coroutine function directly)', () => {
    const r = noTaskRun({ trace: AT_ONCE, activity: act({ asyncio: true }) });
    expect(whyNoTasks(r).text).toMatch(/^no asyncio task ran: the program imports asyncio but no event loop ever started.*asyncio\.run\(main\(\)\)/);
  });

  test('printed nothing and exited normally', () => {
    expect(whyNoTasks(noTaskRun({ trace: [], wallMs: 30, activity: act() })).text).toMatch(/^no asyncio task ran, and the program printed nothing: it exited after 30 ms without starting an event loop/);
  });

  test('lines spread out in time with no evidence of how: a neutral explanation, no guess', () => {
    const t = whyNoTasks(noTaskRun({})).text;
    expect(t).toMatch(/^no asyncio task ran: the program printed its lines without ever running a coroutine as a task\./);
    expect(t).not.toMatch(/thread|at once|time\.sleep \(/);
  });

  test('a run that could not be made says so', () => {
    expect(whyNoTasks(noTaskRun({ error: "entry 'main.py' not found", exitCode: null, end: 'error' })).text).toBe(
      "no asyncio task ran: the submission could not be run (entry 'main.py' not found).",
    );
  });

  test('once a task has run, the explanation is about the tasks, not about their absence', () => {
    const tasks: TaskEvent[] = [
      { tMs: 0, kind: 'created', task: 1, name: 'main', via: 'main', detail: 'Task-1' },
      { tMs: 0, kind: 'started', task: 1 },
      { tMs: 100, kind: 'blocking', task: 1, durationMs: 2000, detail: 'time.sleep(2)' },
      { tMs: 2100, kind: 'done', task: 1 },
    ];
    const r = noTaskRun({ tasks, activity: act({ asyncio: true, loopRan: true, sleeps: 1, sleptMs: 2000 }) });
    expect(evaluateTaskRule('u', RULES[0]!, r).status).toBe('passed');
    const o = evaluateTaskRule('b', RULES[5]!, r);
    expect(o.message).toMatch(/^time\.sleep\(2\) in main at 0\.10 s blocked the loop for 2\.00 s/);
    expect(o.message).not.toMatch(/no asyncio task ran/);
  });
});

describe('a driver that caught an exception and exited 0 (issue 14)', () => {
  const asyncioNoLoop = act({ asyncio: true, loopRan: false });
  test("print(e) of a failed __import__: the error is the cause, not 'never starts an event loop'", () => {
    const r = noTaskRun({ trace: trace([[0, "No module named '3-tasks'"]]), wallMs: 30, activity: asyncioNoLoop });
    const t = whyNoTasks(r).text;
    expect(t).toBe(
      `no asyncio task ran: the program printed an error, "No module named '3-tasks'" at 0.00 s (trace line 1), and still exited normally, so the exception was caught ` +
        '(by the program or the driver that imports your code) and what should have followed it never ran, nor did any event loop. ' +
        'Fix that error first (run the program yourself to see where it is raised).',
    );
    expect(t).not.toMatch(/never starts|asyncio\.run\(main\(\)\)/);
    expect(whyNoTasks(r).lines).toEqual([expect.objectContaining({ index: 0, role: 'context', note: 'the error the program caught' })]);
  });

  test('traceback.print_exc() on stderr: cited with the student file:line; asyncio.run refusing a non-coroutine too', () => {
    const tb = trace([
      [0, 'Traceback (most recent call last):', 'stderr'],
      [0, '  File "/work/1-main.py", line 6, in <module>', 'stderr'],
      [0, '  File "/work/1-concurrent_coroutines.py", line 9, in wait_n', 'stderr'],
      [0, "NameError: name 'wait_random' is not defined", 'stderr'],
    ]);
    const t = whyNoTasks(noTaskRun({ trace: tb, wallMs: 30, activity: asyncioNoLoop })).text;
    expect(t).toMatch(/printed an error, "NameError: name 'wait_random' is not defined" at 0\.00 s \(trace line 4, stderr\), raised at 1-concurrent_coroutines\.py:9 \(in wait_n\), and still exited normally/);
    expect(t).toMatch(/Fix that error first\.$/);
    const refused = whyNoTasks(noTaskRun({ trace: trace([[0, 'a coroutine was expected, got [0.5, 1.2]']]), wallMs: 30, activity: asyncioNoLoop })).text;
    expect(refused).toMatch(/printed an error, 'a coroutine was expected, got \[0\.5, 1\.2\]'/);
  });

  test('without any error printed, the no-loop message stays, and never tells a correct module to change', () => {
    const t = whyNoTasks(noTaskRun({ trace: trace([[0, 'hello']]), wallMs: 30, activity: asyncioNoLoop })).text;
    expect(t).toMatch(/imports asyncio but no event loop ever started/);
  });
});
