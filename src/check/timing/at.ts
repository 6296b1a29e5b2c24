/** `at`: a line at a time ± tolerance, from the start of the run or from another line. */

import type { CheckBody } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, fmtTol, passed, ref, toleranceMs, type Ctx } from '../common.js';
import { cite, citeShort, describe, fmtDuration, fmtSpecDuration, fmtTime } from '../format.js';
import { findAll, findFrom, selectOne } from '../match.js';
import { whyMissing } from '../explain/index.js';
import { offBy, windowOf } from './bounds.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

export function evalAt(ctx: Ctx, body: Body<'at'>): CheckOutcome {
  const { trace } = ctx;
  let base = 0;
  let fromText = 'from the start';
  const lines: LineRef[] = [];
  let fromIdx = -1;
  if (body.from) {
    fromIdx = selectOne(body.from, trace);
    if (fromIdx < 0) {
      const why = whyMissing(ctx, body.from, { from: 0, to: trace.length });
      return failed(
        ctx,
        'not-applicable',
        `cannot be checked: ${describe(body.line)} is timed from ${describe(body.from)}, which ${why.text.replace(/^it /, '')}`,
        0,
        why.lines,
      );
    }
    base = trace[fromIdx]!.tMs;
    fromText = `after ${citeShort(trace, fromIdx)}`;
    lines.push(ref(trace, fromIdx, 'anchor', 'timed from here'));
  }
  const tol = toleranceMs(ctx, body.tolerance, body.atMs);
  const b = { lo: body.atMs - tol, hi: body.atMs + tol };
  const label = `${describe(body.line)} expected`;
  const windows = [windowOf(ctx, base, b, label)];
  const expect = `${fmtSpecDuration(body.atMs)} ${fmtTol(tol)} ${fromText}`;
  // Timed from another line: the line meant is the one after it (bounded response).
  const li = body.from && (body.line.occurrence === 'first' || body.line.occurrence === 'every')
    ? findFrom(body.line, trace, fromIdx + 1)
    : selectOne(body.line, trace);
  if (li < 0 && body.from) {
    const before = findAll(body.line, trace, { from: 0, to: fromIdx });
    if (before.length > 0) {
      const q = before[before.length - 1]!;
      return failed(
        ctx,
        'violated',
        `expected ${describe(body.line)} at ${expect}; it came at ${cite(trace, q).replace(/^.*? at /s, '')}, before ${citeShort(trace, fromIdx)}`,
        0,
        [...lines, ref(trace, q, 'offending', 'came before the line it is timed from')],
        windows,
      );
    }
  }
  if (li < 0) {
    const why = body.from
      ? whyMissing(ctx, body.line, { from: fromIdx + 1, to: trace.length }, new Set(), fromIdx)
      : whyMissing(ctx, body.line, { from: 0, to: trace.length });
    return failed(ctx, 'missing', `expected ${describe(body.line)} at ${expect}; ${why.text}`, 0, [...lines, ...why.lines], windows);
  }
  const t = trace[li]!.tMs - base;
  const rel = body.from ? `, ${fmtDuration(t)} after ${citeShort(trace, fromIdx)}` : '';
  if (t >= b.lo && t <= b.hi) {
    return passed(ctx, `${cite(trace, li)}${rel}, within ${expect}`, [ref(trace, li, 'match'), ...lines], windows);
  }
  const range = `between ${fmtTime(base + Math.max(0, b.lo))} and ${fmtTime(base + b.hi)}`;
  return failed(
    ctx,
    'violated',
    `expected ${describe(body.line)} at ${expect}, i.e. ${range}; it came at ${cite(trace, li).replace(/^.*? at /s, '')}${rel}: ${offBy(t, b)}`,
    0,
    [ref(trace, li, 'offending', offBy(t, b)), ...lines],
    windows,
  );
}
