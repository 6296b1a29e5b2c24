/** `order` (strict or not): the lines in order, and when not, which one is out of place and why. */

import type { CheckBody } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, resolveScope, type Ctx } from '../common.js';
import { cite, citeShort, describe, streamName, traceLine } from '../format.js';
import { findAll } from '../match.js';
import { subjectOf, whyMissing } from '../explain/index.js';
import { fmtAt } from './edges.js';
import { matchOrder, matchStrict, nextOn } from './match-order.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

function orderPassMessage(ctx: Ctx, m: number[], strict: boolean): string {
  const t = ctx.trace;
  if (m.length === 1) return `found ${cite(t, m[0]!)}`;
  if (m.length === 2) return `${cite(t, m[1]!)}, ${strict ? 'right after' : 'after'} ${citeShort(t, m[0]!)}`;
  if (m.length === 3 && !strict) return `${cite(t, m[1]!)}, between ${citeShort(t, m[0]!)} and ${citeShort(t, m[2]!)}`;
  if (m.length <= 5) return `in order: ${m.map((i) => citeShort(t, i)).join(strict ? ', right after it ' : ', then ')}`;
  return `all ${m.length} in order${strict ? ' on consecutive lines' : ''}, from ${citeShort(t, m[0]!)} to ${citeShort(t, m[m.length - 1]!)}`;
}

export function evalOrder(ctx: Ctx, body: Body<'order'>): CheckOutcome {
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const { trace } = ctx;
  const sels = body.lines;
  const n = sels.length;
  if (n === 0) return passed(ctx, 'nothing to order', sc.lines);
  const m = body.strict ? matchStrict(ctx, sels, sc.range) : matchOrder(ctx, sels, sc.range);
  const matchRefs = m.map((i) => ref(trace, i, 'match'));
  if (m.length === n) return passed(ctx, `${orderPassMessage(ctx, m, body.strict)}${sc.phrase}`, [...matchRefs, ...sc.lines]);

  const j = m.length; // first element that could not be placed
  const fraction = j / n;
  const progress = n > 2 ? `; ${j} of ${n} in order` : '';
  const sel = sels[j]!;
  const used = new Set(m);

  if (j === 0) {
    const why = whyMissing(ctx, sel, sc.range);
    const what = n > 1 ? ` (the first of ${n} lines expected in order)` : '';
    return failed(ctx, 'missing', `expected ${describe(sel)}${what}${sc.phrase}; ${why.text}`, 0, [...why.lines, ...sc.lines]);
  }

  const prev = m[j - 1]!;
  if (body.strict) {
    const k = nextOn(ctx, sel.stream, prev, sc.range.to);
    const nextText = k < 0 ? `nothing follows on ${streamName(sel.stream)}` : `the next ${sel.stream === 'any' ? 'line' : `${sel.stream} line`} is ${citeShort(trace, k)}`;
    const elsewhere = findAll(sel, trace, sc.range);
    let tail: string;
    const lines = [...matchRefs];
    if (k >= 0) lines.push(ref(trace, k, 'offending', `expected ${describe(sel)} here`));
    if (elsewhere.length > 0) {
      const after = elsewhere.find((i) => i > prev) ?? elsewhere[elsewhere.length - 1]!;
      tail = `; ${describe(sel)} is at ${fmtAt(ctx, after)}`;
      lines.push(ref(trace, after, 'context', `expected right after ${traceLine(prev)}`));
    } else {
      const why = whyMissing(ctx, sel, sc.range, used);
      tail = `; ${subjectOf(sel, why.text)}`;
      lines.push(...why.lines);
    }
    return failed(
      ctx,
      elsewhere.length > 0 ? 'violated' : 'missing',
      `expected ${describe(sel)} right after ${citeShort(trace, prev)}${sc.phrase}; ${nextText}${tail}${progress}`,
      fraction,
      [...lines, ...sc.lines],
    );
  }

  // Non-strict: element j is not after the match of j-1. Either it never appears (in scope),
  // or it appears only before: then j-1 came too late — say so with the evidence.
  const before = findAll(sel, trace, { from: sc.range.from, to: prev });
  if (before.length === 0) {
    const why = whyMissing(ctx, sel, sc.range, used, prev);
    return failed(
      ctx,
      'missing',
      `expected ${describe(sel)} after ${citeShort(trace, prev)}${sc.phrase}; ${why.text}${progress}`,
      fraction,
      [...matchRefs, ...why.lines, ...sc.lines],
    );
  }
  const q = before[before.length - 1]!; // the closest occurrence of element j before the late line
  if (j === 1) {
    // The first element came late, or the second early. With the first element as the anchor,
    // the second is the one out of place: "expected 'done fetching' after '7'…; it came before '7'".
    const parts = [`after ${describe(sels[0]!)}`];
    if (n > 2) parts.push(`before ${describe(sels[2]!)}`);
    return failed(
      ctx,
      'violated',
      `expected ${describe(sel)} ${parts.join(' and ')}${sc.phrase}; it came at ${fmtAt(ctx, q)}, before ${citeShort(trace, prev)}${progress}`,
      fraction,
      [ref(trace, q, 'offending', `expected after ${traceLine(prev)}`), ref(trace, prev, 'anchor', `${describe(sels[0]!)} is here`), ...sc.lines],
    );
  }
  const late = sels[j - 1]!;
  const expectParts: string[] = [];
  if (j >= 2) expectParts.push(`after ${describe(sels[j - 2]!)}`);
  expectParts.push(`before ${describe(sel)}`);
  // The line right before the late one on its stream: the most telling context ("right after '9'").
  let justBefore = -1;
  for (let k = prev - 1; k >= sc.range.from; k--) {
    if (late.stream === 'any' || trace[k]!.stream === late.stream) {
      justBefore = k;
      break;
    }
  }
  let evidence: string;
  if (justBefore === q) evidence = `right after ${citeShort(trace, q)}`;
  else if (justBefore >= 0 && justBefore !== m[j - 2]) evidence = `right after ${citeShort(trace, justBefore)}, so after ${citeShort(trace, q)}`;
  else evidence = `after ${citeShort(trace, q)}`;
  const lines: LineRef[] = [
    ...matchRefs.slice(0, j - 1),
    ref(trace, prev, 'offending', `expected before ${traceLine(q)}`),
    ref(trace, q, 'anchor', `${describe(sel)} is here`),
  ];
  if (justBefore >= 0 && justBefore !== q && justBefore !== m[j - 2]) lines.push(ref(trace, justBefore, 'context'));
  return failed(
    ctx,
    'violated',
    `expected ${describe(late)} ${expectParts.join(' and ')}${sc.phrase}; it came at ${fmtAt(ctx, prev)}, ${evidence}${progress}`,
    fraction,
    [...lines, ...sc.lines],
  );
}
