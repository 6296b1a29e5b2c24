/** `delay`: the time between two lines (bounded response, minimum/maximum distance). */

import type { CheckBody } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, type Ctx } from '../common.js';
import { cite, citeShort, describe, fmtDuration } from '../format.js';
import { findAll, findFrom, select, selectOne } from '../match.js';
import { whyMissing } from '../explain/index.js';
import { beyondBound, bounds, offBy, resolveExprBounds, windowOf } from './bounds.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

export function evalDelay(ctx: Ctx, written: Body<'delay'>): CheckOutcome {
  const { trace } = ctx;
  const rb = resolveExprBounds(ctx, written);
  if (!rb.ok) return rb.outcome;
  const body = rb.body;
  const froms = body.from.occurrence === 'every' ? findAll(body.from, trace) : select(body.from, trace);
  if (froms.length === 0) {
    const why = whyMissing(ctx, body.from, { from: 0, to: trace.length });
    return failed(
      ctx,
      'not-applicable',
      `cannot be checked: the delay is measured from ${describe(body.from)}, which ${why.text.replace(/^it /, '')}`,
      0,
      why.lines,
    );
  }
  const b0 = bounds(ctx, body);
  const b = { ...b0, text: b0.text + rb.note };
  const windows = froms.slice(0, 200).map((f) => windowOf(ctx, trace[f]!.tMs, b, `${describe(body.to)} expected`));
  const results: Array<{ f: number; t: number; ok: boolean; msg: string; lines: LineRef[]; missing: boolean }> = [];
  for (const f of froms) {
    const ft = trace[f]!.tMs;
    // The response is the next matching line after the trigger; 'last' and nth name a fixed line.
    const t = body.to.occurrence === 'first' || body.to.occurrence === 'every' ? findFrom(body.to, trace, f + 1) : selectOne(body.to, trace);
    const expect = `${describe(body.to)} ${b.text} after ${citeShort(trace, f)}`;
    if (t < 0) {
      const before = findAll(body.to, trace, { from: 0, to: f });
      if (before.length > 0) {
        const q = before[before.length - 1]!;
        results.push({
          f, t: q, ok: false, missing: false,
          msg: `expected ${expect}; it came before it, at ${cite(trace, q).replace(/^.*? at /s, '')}, ${fmtDuration(ft - trace[q]!.tMs)} earlier`,
          lines: [ref(trace, f, 'anchor', 'measured from here'), ref(trace, q, 'offending', 'came before the line it should follow')],
        });
      } else {
        const why = whyMissing(ctx, body.to, { from: f + 1, to: trace.length }, new Set(), f);
        results.push({ f, t: -1, ok: false, missing: true, msg: `expected ${expect}; ${why.text}`, lines: [ref(trace, f, 'anchor', 'measured from here'), ...why.lines] });
      }
      continue;
    }
    const d = trace[t]!.tMs - ft;
    const ok = d >= b.lo && d <= b.hi;
    results.push({
      f, t, ok, missing: false,
      msg: ok
        ? `${cite(trace, t)} came ${fmtDuration(d)} after ${citeShort(trace, f)} (expected ${b.text})`
        : `expected ${expect}; it came at ${cite(trace, t).replace(/^.*? at /s, '')}, ${fmtDuration(d)} later: ${beyondBound(d, b)}`,
      lines: [ref(trace, f, 'anchor', 'measured from here'), ref(trace, t, ok ? 'match' : 'offending', ok ? undefined : offBy(d, b, 'too long', 'too soon'))],
    });
  }
  const good = results.filter((r) => r.ok).length;
  const firstBad = results.find((r) => !r.ok);
  if (!firstBad) {
    const msg = results.length === 1 ? results[0]!.msg : `all ${results.length} ${describe(body.to)} came ${b.text} after each ${describe(body.from)}`;
    return passed(ctx, msg, results.flatMap((r) => r.lines).slice(0, 40), windows);
  }
  const prefix = results.length > 1 ? `${good} of ${results.length} hold. First failure: ` : '';
  return failed(
    ctx,
    firstBad.missing ? 'missing' : 'violated',
    prefix + firstBad.msg,
    good / results.length,
    results.filter((r) => !r.ok).flatMap((r) => r.lines).slice(0, 40),
    windows,
  );
}
