/**
 * The sentences of the structure checks (`tasks:`), from their evidence. Each names the cause
 * the evidence shows, and advice only where it cannot make a correct program worse: a program
 * that overlaps correctly never reaches these failure sentences.
 */

import type { Block, StructureCause, TaskRef, ThreadPrint, UnitRef } from './evidence.js';
import { fmtDuration, fmtSpecDuration, fmtTime, quote } from '../format.js';

function task(t: TaskRef): string {
  return t.name === t.label ? t.name : `${t.name} (${t.label})`;
}

/** "fetch_data (Task-2)", or "fetch_data (in fetch_and_report (Task-2))" for a coroutine inside another's task. */
function unit(u: UnitRef): string {
  return u.task.name === u.name ? task(u.task) : `${u.name} (in ${task(u.task)})`;
}

function span(u: UnitRef): string {
  if (u.inferred) return `from ${fmtTime(u.fromMs)}`;
  return `${fmtTime(u.fromMs)}–${u.toMs !== undefined ? fmtTime(u.toMs) : 'end'}`;
}

function list(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** "thread 1 printed '0'…'9' (10 lines)". */
export function renderThreads(ts: ThreadPrint[]): string {
  return list(ts.map((t) => `thread ${t.thread} printed ${t.count === 1 ? quote(t.first) : `${quote(t.first)}…${quote(t.last)} (${t.count} lines)`}`));
}

/** "time.sleep(2) in fetch_data at 0.05 s blocked the loop for 2.00 s". */
export function renderBlock(b: Block): string {
  // Node's tracer says where the step was stuck: "printNumbers blocked the event loop for 2.50 s at main.js:8 (…)".
  if (b.site && b.name) return `${b.name} blocked the event loop for ${fmtDuration(b.durationMs)} at ${b.site} (${b.detail})`;
  if (b.site) return `${b.detail} blocked the event loop for ${fmtDuration(b.durationMs)} at ${b.site}`;
  // The tracer's CPU-step detail is a sentence of its own ("a step of busy() ran 424 ms …").
  if (!/^[\w.]+\(/.test(b.detail)) return `${b.detail}, at ${fmtTime(b.atMs)}, blocked the loop for ${fmtDuration(b.durationMs)}`;
  return `${b.detail}${b.name ? ` in ${b.name}` : ''} at ${fmtTime(b.atMs)} blocked the loop for ${fmtDuration(b.durationMs)}`;
}

export function renderCause(c: StructureCause): string {
  switch (c.kind) {
    case 'never-ran': {
      const what = c.createdAs ? `${c.name} was created as ${c.createdAs.label} but never ran` : `${c.name} never ran`;
      return c.threads.length ? `${what}: a thread printed the output instead (${renderThreads(c.threads)})` : what;
    }
    case 'silent': {
      const what = `${unit(c.unit)} ran but printed nothing itself`;
      return c.threads.length ? `${what}: a thread printed it (${renderThreads(c.threads)}), and a thread's lines are not a task's work` : what;
    }
    case 'main-returned':
      return (
        `main returned before its tasks finished: at ${fmtTime(c.atMs)} asyncio.run cancelled ${list(c.cancelled.map(task))}, which were still pending. ` +
        `Await the tasks (await task, or asyncio.gather) before main returns`
      );
    case 'blocked':
      if (c.js && /promise callbacks/.test(c.block.detail)) {
        return `${renderBlock(c.block)}: ${c.by.name} awaited only promises that were already settled, so no timer could fire and ${c.other.name} could not run meanwhile (wait with await on a promise a timer settles, e.g. await sleep(ms))`;
      }
      if (c.js) return `${renderBlock(c.block)}: ${c.by.name} never reached an await, so ${c.other.name} could not run meanwhile (wait with await on a promise, e.g. await sleep(ms) around setTimeout, never with a loop on the clock)`;
      return `${renderBlock(c.block)}: ${c.by.name} never waited on an await, so ${c.other.name} could not run meanwhile (use await asyncio.sleep(…), not time.sleep(…))`;
    case 'sequential':
      if (c.js) {
        return (
          `\`await ${c.first.name}()\` finished (${span(c.first)}) before \`${c.second.name}()\` started (${span(c.second)}): ` +
          `call both first, then await them (or await Promise.all([...]))`
        );
      }
      return (
        `the tasks were awaited one after another: ${c.first.name} finished (${span(c.first)}) before ${c.second.name} started (${span(c.second)})` +
        (c.sameTask ? `, both inside ${task(c.first.task)}. Start them as tasks (asyncio.create_task, asyncio.gather, a TaskGroup) before awaiting either` : `. Start both before awaiting either`)
      );
    case 'never-suspended':
      return `${c.busy.name} never waited on an await while ${c.other.name} was in flight (${span(c.busy)}; ${c.other.name} ${span(c.other)}), so they never ran alongside each other`;
    case 'apart':
      return `neither ran while the other waited on an await (${unit(c.a)} from ${fmtTime(c.a.fromMs)}, ${unit(c.b)} from ${fmtTime(c.b.fromMs)})`;
  }
}

export function renderOverlapPass(a: UnitRef, b: UnitRef, bRanMs: number, aRanMs: number): string {
  return (
    `${a.name} and ${b.name} overlapped: ${unit(b)} ran at ${fmtTime(bRanMs)} while ${unit(a)} waited on an await, ` +
    `and ${a.name} ran at ${fmtTime(aRanMs)} while ${b.name} waited`
  );
}

export function renderOverlapFail(names: string[], causes: StructureCause[]): string {
  // What the threads printed is said once, with the first cause that needs it.
  let told = false;
  const parts = causes.map((c) => {
    if ((c.kind !== 'silent' && c.kind !== 'never-ran') || c.threads.length === 0) return renderCause(c);
    const text = renderCause(told ? { ...c, threads: [] } : c);
    told = true;
    return text;
  });
  return `expected ${list(names)} to run at the same time, but ${parts.join('; ')}.`;
}

/** What a unit is called: an asyncio task, or (Node) an async function call. */
const unitWord = (js: boolean) => (js ? 'async calls' : 'tasks');

export function renderConcurrentPass(who: TaskRef[], atMs: number, js = false): string {
  return `${who.length} ${unitWord(js)} were working at the same time (${who.map(task).join(', ')}) at ${fmtTime(atMs)}`;
}

export function renderConcurrentFail(atLeast: number, best: number, seen: UnitRef[], cause?: StructureCause, js = false): string {
  const ran = seen.map((u) => `${u.name} ${span(u)}`).join(', ');
  return `expected at least ${atLeast} ${unitWord(js)} working at the same time, but at most ${best} ${best === 1 ? 'was' : 'were'} (${ran || 'none'})${cause ? `: ${renderCause(cause)}` : ''}.`;
}

export function renderBlockingPass(longestMs: number, limitMs: number): string {
  return longestMs > 0 ? `the longest blocking call on the event loop took ${fmtDuration(longestMs)} (limit ${fmtSpecDuration(limitMs)})` : 'nothing blocked the event loop';
}

export function renderBlockingFail(b: Block, count: number, limitMs: number, js = false): string {
  if (js) {
    return (
      `${renderBlock(b)} (${count} blocking step${count === 1 ? '' : 's'} longer than ${fmtSpecDuration(limitMs)}). While it runs, nothing else can: ` +
      `no timer fires and no other async function resumes. Wait with await on a promise (e.g. around setTimeout), and move long computations to a worker_threads Worker.`
    );
  }
  return (
    `${renderBlock(b)} (${count} blocking call${count === 1 ? '' : 's'} longer than ${fmtSpecDuration(limitMs)}). While it blocks, no other task can run: ` +
    `use await asyncio.sleep(…) instead of time.sleep(…), and run blocking work with await asyncio.to_thread(…) or loop.run_in_executor.`
  );
}
