/**
 * Checks on the structure of asyncio tasks, from the in-process task tracer (issue 6).
 * Pure: reads run.tasks (TaskEvent[]) and the trace. Output alone cannot tell asyncio from a
 * program faking the same output with threads or time.sleep; these checks can.
 *
 * A task is *active* from its first step ('started') to 'done'/'cancelled' (or the end of the
 * run). While it waits for another task to finish ('awaited' with by = it) it is *joined*: it
 * is not doing work of its own, so `await task1` right after `create_task` is not concurrency.
 */

import { citeError, exceptionSite } from './traceback.js';
import type { TaskRule } from '../spec/types.js';
import type { RunRecord, TaskEvent } from '../trace/types.js';
import type { CheckOutcome, FailureCategory, LineRef, TimeWindow } from './types.js';
import { cite, fmtDuration, fmtTime } from './format.js';

/** Overlaps shorter than this do not count (real clocks: a few µs between two steps is not concurrency). */
export const MIN_OVERLAP_MS = 1;

interface TaskInfo {
  id: number;
  name: string;
  /** "Task-2" when known. */
  label: string;
  via?: string;
  by?: number;
  created?: number;
  start?: number;
  end?: number;
  endKind?: 'done' | 'cancelled';
  /** [from, to] spans during which this task was waiting for another task. */
  joined: [number, number][];
  awaitedBy: number[];
}

/** What to do instead, in every "no asyncio task ran" message. */
const HOW_TO =
  'write the work as coroutines (async def), start them as tasks with asyncio.create_task inside main(), ' +
  'run main() with asyncio.run(main()), and wait with await asyncio.sleep(…)';

/** Lines printed within this span count as printed "at once" (no waiting at all). */
const AT_ONCE_MS = 50;

/** A Python/Node exception line: "RuntimeError: no running event loop". */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b(:|$)/;

/**
 * Why no asyncio task ran, from the evidence: the run ended early (the exception that stopped
 * it, the limit that killed it), or it ended normally having used threads, time.sleep, or
 * nothing at all (every line printed at once). `activity` is the tracer's summary; without
 * it (a run killed before its end record) only the trace and the exit are used.
 */
export function whyNoTasks(run: RunRecord): { text: string; lines: LineRef[] } {
  const act = run.activity;
  const trace = run.trace;
  const used: string[] = [];
  if (act && act.threads > 0) used.push(`started ${act.threads === 1 ? 'a thread' : `${act.threads} threads`}${act.threadNames.length ? ` (${[...new Set(act.threadNames)].join(', ')})` : ''}`);
  if (act && act.sleeps > 0) used.push(`waited with time.sleep (${act.sleeps === 1 ? 'once' : `${act.sleeps} calls`}, ${fmtDuration(act.sleptMs)} in all)`);
  const usedText = used.join(' and ');

  if (run.error) return { text: `no asyncio task ran: the submission could not be run (${run.error}).`, lines: [] };

  const abnormal = run.timedOut || run.signal !== null || (run.exitCode !== null && run.exitCode !== 0) || (run.end !== 'exited' && run.exitCode === null);
  if (abnormal) {
    const before = usedText ? ` It had ${usedText} before that.` : '';
    if (run.timedOut) {
      const detail = run.end === 'deadlock' && run.endDetail ? ` (${run.endDetail})` : '';
      return {
        text:
          `no asyncio task ran: the program was stopped at the wall-time limit after ${fmtDuration(run.wallMs)}${detail}, before any task started.${before} ` +
          `Something before the event loop never finishes (an endless loop, a blocking call or a wait on a thread); the tasks only run once main() is started with asyncio.run(main()).`,
        lines: [],
      };
    }
    const err = trace.map((_, i) => i).filter((i) => trace[i]!.stream === 'stderr' && EXCEPTION_LINE.test(trace[i]!.text.trim()));
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode ?? '?'}`;
    const extra = run.endDetail && run.end !== 'exited' && run.end !== 'signalled' ? ` (${run.endDetail})` : '';
    if (err.length > 0) {
      const e = err[err.length - 1]!;
      const tip = /no running event loop/.test(trace[e]!.text)
        ? ' asyncio.create_task only works while the event loop runs: call it inside main(), which asyncio.run(main()) starts — not at module level or in a plain def.'
        : '';
      return {
        text:
          `no asyncio task ran: the program ${how} after ${fmtDuration(run.wallMs)}${extra}, stopped by ${citeError(trace, e)}, before any task started.${before} ` +
          `Fix that error first${exceptionSite(trace, e) ? '' : ' (its traceback on stderr names the line)'}.${tip}`,
        lines: [{ index: e, tMs: trace[e]!.tMs, text: trace[e]!.text, stream: 'stderr', role: 'context', note: 'the error that stopped the program' }],
      };
    }
    return {
      text: `no asyncio task ran: the program ${how} after ${fmtDuration(run.wallMs)}${extra}, before any task started.${before} Find out why it stops early (sys.exit, a crash) first.`,
      lines: [],
    };
  }

  // It ended normally, without tasks.
  if (usedText) {
    const kind = act!.threads > 0 ? 'Threads' : 'Printing between time.sleep calls';
    return {
      text:
        `no asyncio task ran: the program ${usedText}, without an asyncio event loop. ${kind} can give the same lines at the same times, ` +
        `but this exercise is about asyncio tasks: ${HOW_TO}.`,
      lines: [],
    };
  }
  const out = trace.filter((l) => l.stream === 'stdout');
  if (act?.asyncio && !act.loopRan) {
    return {
      text:
        `no asyncio task ran: the program imports asyncio but never starts an event loop, so no coroutine runs ` +
        `(calling an async def function only creates a coroutine object). Run main() with asyncio.run(main()).`,
      lines: [],
    };
  }
  if (out.length === 0) {
    return { text: `no asyncio task ran, and the program printed nothing: it exited after ${fmtDuration(run.wallMs)} without starting an event loop. To fix it, ${HOW_TO}.`, lines: [] };
  }
  const span = out[out.length - 1]!.tMs - out[0]!.tMs;
  if (span < AT_ONCE_MS && !act?.loopRan) {
    return {
      text:
        `no asyncio task ran: the program printed all ${out.length === 1 ? 'its line' : `${out.length} lines`} at once (within ${fmtDuration(span)}), ` +
        `without waiting and without asyncio. Printing the expected lines is not the exercise: ${HOW_TO}.`,
      lines: [],
    };
  }
  return {
    text: `no asyncio task ran: the program printed its lines without ever running a coroutine as a task${act?.loopRan ? ' (an event loop ran, but no task in it)' : ''}. To fix it, ${HOW_TO}.`,
    lines: [],
  };
}

export function evaluateTaskRule(id: string, rule: TaskRule, run: RunRecord): CheckOutcome {
  if (!run.tasks) {
    return fail(
      id,
      'error',
      `no asyncio task trace was recorded for this run, so the '${rule.kind}' task check cannot pass (task tracing needs a Python submission run by tracegrade's tracer)`,
    );
  }
  const tasks = buildTasks(run.tasks, run.wallMs);
  switch (rule.kind) {
    case 'uses_asyncio':
      return usesAsyncio(id, tasks, run);
    case 'concurrent':
      return concurrent(id, tasks, run, rule.atLeast);
    case 'overlap':
      return overlap(id, tasks, run, rule.names);
    case 'awaited':
      return awaited(id, tasks, run, run.tasks, rule.name);
    case 'created_with':
      return createdWith(id, tasks, run, rule.via, rule.name);
    case 'max_blocking':
      return maxBlocking(id, tasks, run, rule.ms);
  }
}

// ---- model ------------------------------------------------------------------------------

export function buildTasks(events: TaskEvent[], endMs: number): Map<number, TaskInfo> {
  const tasks = new Map<number, TaskInfo>();
  const get = (id: number): TaskInfo => {
    let t = tasks.get(id);
    if (!t) {
      t = { id, name: `task ${id}`, label: `task ${id}`, joined: [], awaitedBy: [] };
      tasks.set(id, t);
    }
    return t;
  };
  const pendingJoins: { by: number; target: number; from: number }[] = [];
  const resumes = new Map<number, number[]>();
  for (const e of events) {
    const t = get(e.task);
    switch (e.kind) {
      case 'created':
        if (e.name) t.name = e.name;
        t.label = e.detail ?? `task ${e.task}`;
        t.via = e.via;
        t.by = e.by;
        t.created = e.tMs;
        break;
      case 'started':
        t.start ??= e.tMs;
        break;
      case 'resumed':
        (resumes.get(e.task) ?? resumes.set(e.task, []).get(e.task)!).push(e.tMs);
        break;
      case 'done':
      case 'cancelled':
        t.end = e.tMs;
        t.endKind = e.kind;
        break;
      case 'awaited':
        // by === task: a coroutine awaited directly inside the task (not a join).
        if (e.by !== undefined && e.by !== e.task) {
          t.awaitedBy.push(e.by);
          pendingJoins.push({ by: e.by, target: e.task, from: e.tMs });
        }
        break;
      default:
        break;
    }
  }
  // A join lasts until the waiting task runs again (not merely until the awaited task ends:
  // if the loop is blocked, the waiter cannot run either).
  for (const j of pendingJoins) {
    const target = tasks.get(j.target)!;
    const targetEnd = target.end ?? endMs;
    const back = (resumes.get(j.by) ?? []).find((t) => t >= targetEnd && t >= j.from);
    const waiterEnd = tasks.get(j.by)?.end;
    const to = back ?? (waiterEnd !== undefined && waiterEnd >= targetEnd ? waiterEnd : targetEnd);
    if (to > j.from) get(j.by).joined.push([j.from, to]);
  }
  return tasks;
}

function activeSpan(t: TaskInfo, endMs: number): [number, number] | null {
  if (t.start === undefined) return null;
  return [t.start, t.end ?? endMs];
}

/** Whether t does work of its own during [a, b): active and not joined on another task. */
function workingDuring(t: TaskInfo, a: number, b: number, endMs: number): boolean {
  const span = activeSpan(t, endMs);
  if (!span || span[0] > a || span[1] < b) return false;
  return !t.joined.some(([f, to]) => f <= a && to >= b);
}

function segments(tasks: Iterable<TaskInfo>, endMs: number): [number, number][] {
  const pts = new Set<number>();
  for (const t of tasks) {
    const s = activeSpan(t, endMs);
    if (!s) continue;
    pts.add(s[0]);
    pts.add(s[1]);
    for (const [f, to] of t.joined) {
      pts.add(f);
      pts.add(to);
    }
  }
  const sorted = [...pts].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < sorted.length; i++) if (sorted[i + 1]! - sorted[i]! >= MIN_OVERLAP_MS) out.push([sorted[i]!, sorted[i + 1]!]);
  return out;
}

function endOf(tasks: Map<number, TaskInfo>, runEnd: number): number {
  let m = runEnd;
  for (const t of tasks.values()) for (const v of [t.start, t.end]) if (v !== undefined && v > m) m = v;
  return m;
}

function who(t: TaskInfo): string {
  return `${t.name} (${t.label})`;
}

function window(t: TaskInfo, endMs: number): TimeWindow | null {
  const s = activeSpan(t, endMs);
  return s ? { fromMs: s[0], toMs: s[1], label: `${t.name} running` } : null;
}

// ---- rules ------------------------------------------------------------------------------

function usesAsyncio(id: string, tasks: Map<number, TaskInfo>, run: RunRecord): CheckOutcome {
  const started = [...tasks.values()].filter((t) => t.start !== undefined);
  if (started.length === 0) return noTasks(id, run);
  return pass(id, `the program ran ${started.length} asyncio task${started.length === 1 ? '' : 's'}: ${started.map((t) => t.name).join(', ')}`);
}

function concurrent(id: string, tasks: Map<number, TaskInfo>, run: RunRecord, atLeast: number): CheckOutcome {
  const all = [...tasks.values()];
  if (!all.some((t) => t.start !== undefined)) return noTasks(id, run, `expected at least ${atLeast} tasks working at the same time`);
  const endMs = endOf(tasks, 0);
  let best: { n: number; seg: [number, number]; who: TaskInfo[] } = { n: 0, seg: [0, 0], who: [] };
  for (const seg of segments(all, endMs)) {
    const working = all.filter((t) => workingDuring(t, seg[0], seg[1], endMs));
    if (working.length > best.n) best = { n: working.length, seg, who: working };
  }
  const windows = best.who.map((t) => window(t, endMs)).filter((w): w is TimeWindow => !!w);
  const names = best.who.map(who).join(', ');
  if (best.n >= atLeast) {
    return pass(id, `${best.n} tasks were working at the same time (${names}) from ${fmtTime(best.seg[0])} to ${fmtTime(best.seg[1])}`, windows);
  }
  const seq = all
    .filter((t) => t.start !== undefined)
    .map((t) => `${t.name} ${fmtTime(t.start!)}–${t.end !== undefined ? fmtTime(t.end) : 'end'}`)
    .join(', ');
  return fail(
    id,
    'violated',
    `expected at least ${atLeast} tasks working at the same time, but at most ${best.n} ${best.n === 1 ? 'was' : 'were'} (${seq || 'none'}). ` +
      `The coroutines ran one after another: awaiting each one (or its task) right after starting it runs them in sequence. ` +
      `Create all the tasks first (asyncio.create_task or asyncio.gather), then await them.`,
    atLeast > 0 ? Math.min(best.n / atLeast, 0.99) : 0,
    windows,
  );
}

function overlap(id: string, tasks: Map<number, TaskInfo>, run: RunRecord, names: string[]): CheckOutcome {
  const all = [...tasks.values()];
  if (!all.some((t) => t.start !== undefined)) return noTasks(id, run, `expected ${names.join(' and ')} to run at the same time`);
  const endMs = endOf(tasks, 0);
  const missing = names.filter((n) => !all.some((t) => t.name === n && t.start !== undefined));
  if (missing.length) {
    const msg = missing
      .map((n) => {
        const direct = all.some((t) => t.name === n);
        return direct
          ? `${n} was created as a task but never started (the program ended first)`
          : `${n} never ran as a task of its own (awaiting ${n}() directly runs it inside the awaiting coroutine, alone)`;
      })
      .join('; ');
    return fail(id, 'missing', `expected ${names.join(' and ')} to run at the same time, but ${msg}. Start it with asyncio.create_task(${missing[0]}()) before awaiting anything.`);
  }
  for (const seg of segments(all, endMs)) {
    const ok = names.every((n) => all.some((t) => t.name === n && workingDuring(t, seg[0], seg[1], endMs)));
    if (ok) {
      const windows = names
        .map((n) => all.find((t) => t.name === n && workingDuring(t, seg[0], seg[1], endMs))!)
        .map((t) => window(t, endMs))
        .filter((w): w is TimeWindow => !!w);
      return pass(id, `${names.join(' and ')} were running at the same time from ${fmtTime(seg[0])}`, windows);
    }
  }
  const spans = names
    .map((n) => all.filter((t) => t.name === n && t.start !== undefined).map((t) => `${n} ran ${fmtTime(t.start!)}–${t.end !== undefined ? fmtTime(t.end) : 'end'}`).join(', '))
    .join('; ');
  const windows = all.filter((t) => names.includes(t.name)).map((t) => window(t, endMs)).filter((w): w is TimeWindow => !!w);
  return fail(
    id,
    'violated',
    `expected ${names.join(' and ')} to run at the same time, but they never did: ${spans}. ` +
      `One finished before the other started — create both tasks before awaiting either, and await with asyncio.sleep (time.sleep blocks every task).`,
    0,
    windows,
  );
}

function awaited(id: string, tasks: Map<number, TaskInfo>, run: RunRecord, events: TaskEvent[], name: string): CheckOutcome {
  const all = [...tasks.values()].filter((t) => t.name === name);
  const hit = all.find((t) => t.awaitedBy.length > 0);
  if (hit) {
    const by = tasks.get(hit.awaitedBy[0]!);
    return pass(id, `${name} (${hit.label}) was awaited${by ? ` by ${by.name}` : ''}`);
  }
  const direct = events.find((e) => e.kind === 'awaited' && e.name === name && e.by === e.task);
  if (direct) {
    const inTask = tasks.get(direct.task);
    return pass(id, `${name}() was awaited directly${inTask ? ` in ${inTask.name}` : ''}`);
  }
  if (![...tasks.values()].some((t) => t.start !== undefined)) return noTasks(id, run, `expected ${name} to be awaited`);
  if (all.length === 0) return fail(id, 'missing', `expected ${name} to be awaited, but no coroutine called ${name} ever ran.`);
  const t = all[0]!;
  const fate = t.endKind === 'cancelled' ? 'it was cancelled when main() returned' : t.endKind === 'done' ? 'it finished, but its result was never collected' : 'it was still pending when the program ended';
  return fail(
    id,
    'violated',
    `${name} ran as ${t.label} but nothing awaited it: ${fate}. Keep the task and await it (value = await task), or pass it to asyncio.gather.`,
  );
}

function normVia(v: string): string {
  return v.toLowerCase().replace(/^asyncio\./, '').replace(/[_\s.-]/g, '');
}

function createdWith(id: string, tasks: Map<number, TaskInfo>, run: RunRecord, via: string, name?: string): CheckOutcome {
  const all = [...tasks.values()].filter((t) => t.created !== undefined && t.via !== 'main' && (name === undefined || t.name === name));
  const want = normVia(via);
  const hit = all.find((t) => t.via !== undefined && normVia(t.via) === want);
  const subject = name ?? 'a task';
  if (hit) return pass(id, `${hit.name} (${hit.label}) was created with ${hit.via}`);
  if (![...tasks.values()].some((t) => t.start !== undefined)) return noTasks(id, run, `expected ${subject} created with ${via}`);
  if (all.length === 0) {
    return fail(
      id,
      'missing',
      name
        ? `expected ${name} to be created as a task with ${via}, but ${name} never ran as a task (awaiting ${name}() directly does not create one).`
        : `expected a task created with ${via}, but the program created no tasks besides main.`,
    );
  }
  return fail(id, 'violated', `expected ${subject} created with ${via}, but ${all.map((t) => `${t.name} was created with ${t.via ?? 'an unknown call'}`).join(', ')}.`);
}

function maxBlocking(id: string, tasks: Map<number, TaskInfo>, run: RunRecord, ms: number): CheckOutcome {
  if (![...tasks.values()].some((t) => t.start !== undefined)) {
    return noTasks(id, run, `expected an event loop that is never blocked for more than ${fmtDuration(ms)}`);
  }
  const blocks = (run.tasks ?? []).filter((e) => e.kind === 'blocking' && (e.durationMs ?? 0) > ms);
  if (blocks.length === 0) {
    const longest = Math.max(0, ...(run.tasks ?? []).filter((e) => e.kind === 'blocking').map((e) => e.durationMs ?? 0));
    return pass(id, longest > 0 ? `the longest blocking call on the event loop took ${fmtDuration(longest)} (limit ${fmtDuration(ms)})` : 'nothing blocked the event loop');
  }
  const worst = blocks.reduce((a, b) => ((b.durationMs ?? 0) > (a.durationMs ?? 0) ? b : a));
  const t = tasks.get(worst.task);
  const lines: LineRef[] = [];
  const li = run.trace.findIndex((l) => l.tMs >= worst.tMs);
  if (li >= 0) {
    const l = run.trace[li]!;
    lines.push({ index: li, tMs: l.tMs, text: l.text, stream: l.stream, role: 'context', note: 'printed after the loop was blocked' });
  }
  const what = worst.detail ?? 'a blocking call';
  return fail(
    id,
    'violated',
    `the event loop was blocked for ${fmtDuration(worst.durationMs ?? 0)} by ${what}${t ? ` in ${t.name}` : ''} at ${fmtTime(worst.tMs)} ` +
      `(${blocks.length} blocking call${blocks.length === 1 ? '' : 's'} longer than ${fmtDuration(ms)}). While it blocks, no other task can run: ` +
      `use await asyncio.sleep(…) instead of time.sleep(…), and run blocking work with await asyncio.to_thread(…) or loop.run_in_executor.`,
    0,
    [{ fromMs: worst.tMs, toMs: worst.tMs + (worst.durationMs ?? 0), label: `loop blocked: ${what}` }],
    lines,
  );
}

// ---- outcomes -----------------------------------------------------------------------------

/** No task ever started: the expectation (if any), then why, from the run's evidence. */
function noTasks(id: string, run: RunRecord, expected?: string): CheckOutcome {
  const why = whyNoTasks(run);
  return fail(id, 'missing', expected ? `${expected}; ${why.text}` : why.text, 0, [], why.lines);
}

function pass(id: string, message: string, windows: TimeWindow[] = []): CheckOutcome {
  return { id, status: 'passed', fraction: 1, message, lines: [], windows };
}

function fail(id: string, category: FailureCategory, message: string, fraction = 0, windows: TimeWindow[] = [], lines: LineRef[] = []): CheckOutcome {
  return { id, status: 'failed', fraction: Math.min(Math.max(fraction, 0), 0.99), message, lines, windows, category };
}
