/**
 * Checks on the structure of asyncio tasks, from the in-process task tracer. Pure: reads
 * run.tasks (TaskEvent[], in the order things happened) and the trace's line attribution.
 * Output alone cannot tell asyncio from threads or time.sleep printing the same lines; these
 * checks can, by the order of events and by who printed each line, never by milliseconds.
 */

import type { TaskRule } from '../../spec/types.js';
import type { RunRecord } from '../../trace/types.js';
import type { CheckOutcome } from '../types.js';
import { renderNoCalls, renderNoTasks } from '../explain/index.js';
import { failed, makeCtx, type Ctx } from '../common.js';
import { noTaskCause } from './no-tasks.js';
import { usesAsyncio, awaited, createdWith } from './lifecycle.js';
import { concurrent } from './concurrent.js';
import { overlap } from './overlap.js';
import { maxBlocking } from './blocking.js';
import { isJs } from './model.js';
import { fmtDuration } from '../format.js';

export { buildModel, type Model, type Unit, type TaskNode, type Step } from './model.js';
export { printedBy, threadPrints } from './lines.js';
export { progressWhileSuspended } from './overlap.js';

/** Why no asyncio task (Node: no async function call) ran, in words (and the line that shows it). */
export function whyNoTasks(run: RunRecord, node = false): { text: string; lines: CheckOutcome['lines'] } {
  const { cause, lines } = noTaskCause(run);
  return { text: node ? renderNoCalls(cause, run.trace) : renderNoTasks(cause, run.trace), lines };
}

function expectation(rule: TaskRule, node: boolean): string | undefined {
  switch (rule.kind) {
    case 'uses_asyncio': return undefined;
    case 'concurrent': return `expected at least ${rule.atLeast} ${node ? 'async calls' : 'tasks'} working at the same time`;
    case 'overlap': return `expected ${rule.names.join(' and ')} to run at the same time`;
    case 'awaited': return `expected ${rule.name} to be awaited`;
    case 'created_with': return `expected ${rule.name ?? 'a task'} created with ${rule.via}`;
    case 'max_blocking': return `expected an event loop that is never blocked for more than ${fmtDuration(rule.ms)}`;
  }
}

export function evalTasks(ctx: Ctx, rule: TaskRule): CheckOutcome {
  const run = ctx.run;
  if (!run.tasks) {
    return failed(ctx, 'error', `no asyncio task trace was recorded for this run, so the '${rule.kind}' task check cannot pass (task tracing needs a Python or Node submission run by tracegrade's tracer)`);
  }
  const model = ctx.model();
  const node = isJs(model, ctx.spec.run?.runtime);
  // Node always has an event loop, and its tracer times callbacks and top-level code too: a
  // program of plain promises and timers (no async function) can still block it, or not.
  if (node && rule.kind === 'max_blocking') return maxBlocking(ctx, model, run, rule.ms);
  if (![...model.tasks.values()].some((t) => t.steps.length > 0)) {
    const why = whyNoTasks(run, node);
    const exp = expectation(rule, node);
    return failed(ctx, 'missing', exp ? `${exp}; ${why.text}` : why.text, 0, why.lines);
  }
  switch (rule.kind) {
    case 'uses_asyncio': return usesAsyncio(ctx, model);
    case 'concurrent': return concurrent(ctx, model, run, rule.atLeast);
    case 'overlap': return overlap(ctx, model, run, rule.names);
    case 'awaited': return awaited(ctx, model, rule.name);
    case 'created_with': return createdWith(ctx, model, rule.via, rule.name);
    case 'max_blocking': return maxBlocking(ctx, model, run, rule.ms);
  }
}

/** One task rule on one run, outside a spec (tests, tools): timing.scale 1 unless given. */
export function evaluateTaskRule(id: string, rule: TaskRule, run: RunRecord, scale = 1): CheckOutcome {
  const check = { id, title: id, points: 1, visibility: 'visible' as const, requires: [], partial: false, body: { kind: 'tasks' as const, rule } };
  const spec = { name: id, title: id, file: '', run: {} as never, timing: { tolerance: {}, scale }, aliases: {}, checks: [check] };
  return evalTasks(makeCtx(spec as never, run, check), rule);
}
