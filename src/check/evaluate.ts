/**
 * Evaluate a spec's checks against one run. Checks come back in spec order; `requires` is
 * honoured so one missing line yields one failure and its dependants are skipped, not failed.
 */

import type { Check, CheckBody, Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { CheckOutcome } from './types.js';
import { failed, makeCtx, type Ctx } from './common.js';
import { evalCompound } from './compound.js';
import { evalAbsent, evalCount, evalExists, evalFirst, evalGroup, evalLast, evalOrder } from './ordering/index.js';
import { evalAt, evalDelay, evalEvery, evalRuntime } from './timing/index.js';
import { evalValue } from './values/index.js';
import { evalExitCode, evalSignal, evalStderrClean, evalTimedOut } from './outcome.js';
import { evalUnhandledRejection } from './rejection.js';
import { evalTasks } from './tasks/index.js';

/** One construct against the context's run (a check's body, or a part of a compound). */
function evaluateBody(ctx: Ctx, b: CheckBody): CheckOutcome {
  switch (b.kind) {
    case 'exists': return evalExists(ctx, b);
    case 'absent': return evalAbsent(ctx, b);
    case 'count': return evalCount(ctx, b);
    case 'first': return evalFirst(ctx, b);
    case 'last': return evalLast(ctx, b);
    case 'order': return evalOrder(ctx, b);
    case 'group': return evalGroup(ctx, b);
    case 'at': return evalAt(ctx, b);
    case 'delay': return evalDelay(ctx, b);
    case 'every': return evalEvery(ctx, b);
    case 'runtime': return evalRuntime(ctx, b);
    case 'value': return evalValue(ctx, b);
    case 'exit_code': return evalExitCode(ctx, b);
    case 'signal': return evalSignal(ctx, b);
    case 'timed_out': return evalTimedOut(ctx, b);
    case 'stderr_clean': return evalStderrClean(ctx, b);
    case 'unhandled_rejection': return evalUnhandledRejection(ctx, b);
    case 'tasks': return evalTasks(ctx, b.rule);
    case 'all':
    case 'any': return evalCompound(ctx, b, evaluateBody);
    default: {
      const never: never = b;
      return failed(ctx, 'error', `unknown check kind '${(never as { kind: string }).kind}'`);
    }
  }
}

/** Evaluate one check on its own (ignoring `requires`). Never throws: an internal error becomes a failed outcome that says so. */
export function evaluateCheck(spec: Spec, run: RunRecord, check: Check): CheckOutcome {
  const ctx = makeCtx(spec, run, check);
  try {
    return evaluateBody(ctx, check.body);
  } catch (e) {
    // A spec that slipped past validation (e.g. a regex the engine cannot compile) must not crash a batch.
    return failed(ctx, 'error', `could not evaluate this check: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A check against the record of its named run; a run that was not recorded fails the check, saying so. */
function evaluateOn(spec: Spec, run: RunRecord | undefined, check: Check): CheckOutcome {
  if (run) return evaluateCheck(spec, run, check);
  return { id: check.id, status: 'failed', fraction: 0, message: `the run '${check.run ?? '?'}' this check looks at was not recorded`, lines: [], windows: [], category: 'error' };
}

/**
 * "skipped: needs 'counts-to-nine' (Prints the numbers 0 to 9, in order), which failed" — the
 * title too, as students see checks by title (the terminal and Gradescope show no ids).
 */
function skipMessage(deps: Array<{ id: string; title?: string; why: string }>): string {
  const parts = deps.map((d) => `'${d.id}'${d.title && d.title !== d.id ? ` (${d.title})` : ''}, which ${d.why}`);
  return `skipped: needs ${parts.join(' and ')}`;
}

/**
 * Evaluate every check of `spec` against `run` (or, with named runs, against the record
 * `run(check)` gives for each check's run: `requires` then reaches across runs), in spec order.
 * A check whose required check did not pass (failed, or was itself skipped) is skipped with a
 * message naming it (and its run, when another). Requirements
 * may point forward in the spec; a cycle (which validation rejects) is broken by skipping.
 */
export function evaluateChecks(spec: Spec, run: RunRecord | ((check: Check) => RunRecord | undefined)): CheckOutcome[] {
  const recordOf = typeof run === 'function' ? run : () => run;
  const byId = new Map(spec.checks.map((c) => [c.id, c] as const));
  const done = new Map<string, CheckOutcome>();
  const inProgress = new Set<string>();

  const evalOne = (check: Check): CheckOutcome => {
    const cached = done.get(check.id);
    if (cached) return cached;
    if (inProgress.has(check.id)) {
      return { id: check.id, status: 'skipped', fraction: 0, message: `skipped: '${check.id}' requires itself through a cycle`, lines: [], windows: [] };
    }
    inProgress.add(check.id);
    const unmet: Array<{ id: string; title?: string; why: string }> = [];
    for (const dep of check.requires ?? []) {
      const d = byId.get(dep);
      if (!d) {
        unmet.push({ id: dep, why: 'is not defined in the spec' });
        continue;
      }
      const o = evalOne(d);
      const inRun = d.run !== undefined && d.run !== check.run ? ` in run '${d.run}'` : '';
      if (o.status !== 'passed') unmet.push({ id: dep, title: d.title, why: `${o.status === 'failed' ? 'failed' : 'was skipped'}${inRun}` });
    }
    const out: CheckOutcome = unmet.length > 0
      ? { id: check.id, status: 'skipped', fraction: 0, message: skipMessage(unmet), lines: [], windows: [] }
      : evaluateOn(spec, recordOf(check), check);
    inProgress.delete(check.id);
    done.set(check.id, out);
    return out;
  };

  return spec.checks.map(evalOne);
}
