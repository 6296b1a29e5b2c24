/** `first` and `last`: the first or last line of a stream is the expected one. */

import type { CheckBody, LineSelector } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, streamIndices, type Ctx } from '../common.js';
import { cite, describe, plural, streamName } from '../format.js';
import { findAll, findFrom, findNearMiss } from '../match.js';
import { capitalize, stopClause, subjectOf, whyMissing } from '../explain/index.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

function evalEdge(ctx: Ctx, sel: LineSelector, which: 'first' | 'last'): CheckOutcome {
  const { trace } = ctx;
  const onStream = streamIndices(trace, sel.stream);
  const sname = streamName(sel.stream);
  const label = sel.stream === 'any' ? `${which} line of the output` : `${which} ${sname} line`;
  if (onStream.length === 0) {
    const near = findNearMiss(sel, trace);
    const tail = near ? `; possible intended match: ${near.message}` : '';
    const stop = stopClause(ctx);
    return failed(ctx, 'missing', `expected the ${label} to be ${describe(sel)}; ${sname} is empty${stop.text ? ` (${stop.text})` : ''}${tail}`, 0,
      [...(near ? [ref(trace, near.index, 'near-miss', near.note)] : []), ...stop.lines]);
  }
  const edge = which === 'first' ? onStream[0]! : onStream[onStream.length - 1]!;
  if (matchesAt(sel, ctx, edge)) {
    return passed(ctx, `the ${label} is ${cite(trace, edge)}`, [ref(trace, edge, 'match')]);
  }
  const all = findAll(sel, trace);
  const lines: LineRef[] = [ref(trace, edge, 'offending', `the ${which} line; expected ${describe(sel)}`)];
  let tail: string;
  if (all.length > 0) {
    const other = which === 'first' ? all[0]! : all[all.length - 1]!;
    tail = `${describe(sel)} comes ${which === 'first' ? 'later' : 'earlier'}, at ${fmtAt(ctx, other)}`;
    const between = onStream.filter((i) => (which === 'first' ? i < other : i > other)).length;
    if (between > 0) tail += `, with ${plural(between, 'line')} ${which === 'first' ? 'before' : 'after'} it`;
    lines.push(ref(trace, other, 'context', `expected ${which}`));
  } else {
    const why = whyMissing(ctx, sel, { from: 0, to: trace.length });
    tail = subjectOf(sel, why.text);
    lines.push(...why.lines);
  }
  return failed(
    ctx,
    all.length > 0 ? 'violated' : 'missing',
    `expected the ${label} to be ${describe(sel)}; it is ${cite(trace, edge)}. ${capitalize(tail)}`,
    0,
    lines,
  );
}

export function matchesAt(sel: LineSelector, ctx: Ctx, i: number): boolean {
  return findFrom(sel, ctx.trace, i, i + 1) === i;
}

export function fmtAt(ctx: Ctx, i: number): string {
  return cite(ctx.trace, i).replace(/^.*? at /s, '');
}

export function evalFirst(ctx: Ctx, body: Body<'first'>): CheckOutcome {
  return evalEdge(ctx, body.line, 'first');
}

export function evalLast(ctx: Ctx, body: Body<'last'>): CheckOutcome {
  return evalEdge(ctx, body.line, 'last');
}
