/**
 * `runtime`: the whole run's duration, from the program's start to its end — or, with
 * `from: process_start`, from spawn: the start-up the runner leaves out (RunRecord.startupMs)
 * counted back in. Under a virtual clock start-up takes no virtual time, so both are the same.
 */

import type { CheckBody } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, type Ctx } from '../common.js';
import { cite, fmtDuration } from '../format.js';
import { capitalize, stopClause } from '../explain/index.js';
import { bounds, offBy, resolveExprBounds, windowOf } from './bounds.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

/** " from process start (42 ms of start-up included)" */
function fromProcess(startupMs: number): string {
  return ` from process start (${startupMs > 0 ? `${fmtDuration(startupMs)} of start-up included` : 'no start-up recorded'})`;
}

export function evalRuntime(ctx: Ctx, written: Body<'runtime'>): CheckOutcome {
  const { run, trace } = ctx;
  const rb = resolveExprBounds(ctx, written);
  if (!rb.ok) return rb.outcome;
  const body = rb.body;
  const b0 = bounds(ctx, body);
  const b = { ...b0, text: b0.text + rb.note };
  const windows = [windowOf(ctx, 0, b, 'end of run expected')];
  const startup = body.from === 'process_start' && run.clock !== 'virtual' ? run.startupMs ?? 0 : 0;
  const took = run.wallMs + startup;
  const clock = (run.clock === 'virtual' ? ' (virtual time)' : '') + (body.from === 'process_start' ? fromProcess(startup) : '');
  if (took >= b.lo && took <= b.hi) {
    return passed(ctx, `the run took ${fmtDuration(took)}${clock} (expected ${b.text})`, rb.lines, windows);
  }
  const extra: string[] = [];
  const lines: LineRef[] = [...rb.lines];
  const stop = took < b.lo ? stopClause(ctx) : { text: '', lines: [] };
  if (run.timedOut) extra.push('it was stopped at the wall-time limit');
  else if (stop.text) {
    // Too short because it crashed: the exception, raised where, says why.
    extra.push(stop.text);
    lines.push(...stop.lines);
  }
  if (trace.length === 0) extra.push('it printed nothing');
  else if (!stop.lines.some((l) => l.index === trace.length - 1)) {
    const last = trace.length - 1;
    extra.push(`its last line was ${cite(trace, last)}`);
    lines.push(ref(trace, last, 'context', 'last line printed'));
  }
  return failed(
    ctx,
    'violated',
    `expected the run to take ${b.text}; it took ${fmtDuration(took)}${clock}: ${offBy(took, b, 'too long', 'too short')}. ${capitalize(extra.join('; '))}`,
    0,
    lines,
    windows,
  );
}
