/** `every`: bounded recurrence, the matching lines come one period apart. */

import type { CheckBody } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, fmtTol, passed, ref, toleranceMs, type Ctx } from '../common.js';
import { cite, citeShort, describe, fmtDuration, fmtSpecDuration, plural } from '../format.js';
import { findAll } from '../match.js';
import { whyMissing } from '../explain/index.js';
import { offBy, windowOf } from './bounds.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

export function evalEvery(ctx: Ctx, body: Body<'every'>): CheckOutcome {
  const { trace } = ctx;
  const all = findAll(body.line, trace);
  const tol = toleranceMs(ctx, body.tolerance, body.periodMs);
  const b = { lo: body.periodMs - tol, hi: body.periodMs + tol };
  const expect = `every ${fmtSpecDuration(body.periodMs)} ${fmtTol(tol)}`;
  if (all.length < 2 && body.vacuous) {
    const seen = all.length === 0 ? `no line matches ${describe(body.line)}` : `only one line matches ${describe(body.line)}, ${cite(trace, all[0]!)}`;
    return passed(ctx, `${seen}: there is no gap to measure, which passes (vacuous: true)`, all.map((i) => ref(trace, i, 'match')));
  }
  if (all.length < 2) {
    if (all.length === 0) {
      const why = whyMissing(ctx, body.line, { from: 0, to: trace.length });
      return failed(ctx, 'missing', `expected lines matching ${describe(body.line)} ${expect}; ${why.text}`, 0, why.lines);
    }
    return failed(
      ctx,
      'missing',
      `expected lines matching ${describe(body.line)} ${expect}; only one appears, ${cite(trace, all[0]!)}, so there is no gap to measure`,
      0,
      [ref(trace, all[0]!, 'match')],
    );
  }
  const gaps = all.slice(1).map((i, k) => ({ a: all[k]!, b: i, d: trace[i]!.tMs - trace[all[k]!]!.tMs }));
  const bad = gaps.filter((g) => g.d < b.lo || g.d > b.hi);
  const windows = gaps.slice(0, 500).map((g) => windowOf(ctx, trace[g.a]!.tMs, b, `next ${describe(body.line)} expected`));
  const ds = gaps.map((g) => g.d);
  const span = `${fmtDuration(Math.min(...ds))} to ${fmtDuration(Math.max(...ds))}`;
  if (bad.length === 0) {
    return passed(
      ctx,
      `${all.length} lines match ${describe(body.line)}; all ${plural(gaps.length, 'gap')} between them (${span}) are within ${fmtSpecDuration(body.periodMs)} ${fmtTol(tol)}`,
      all.slice(0, 50).map((i) => ref(trace, i, 'match')),
      windows,
    );
  }
  const lo = Math.min(...ds);
  const hi = Math.max(...ds);
  let detail: string;
  if (bad.length === gaps.length && hi - lo <= Math.max(tol, 1)) {
    // Every gap wrong by the same amount: one statement says it better than a list.
    const typical = ds[Math.floor(ds.length / 2)]!;
    const together = hi < 5 ? ' — they come out all at once, without waiting' : '';
    // "about 255 ms, not 500 ms (at least 300 ms allowed)": the period and the limit, not only the shortfall.
    const limit = typical < b.lo ? `at least ${fmtDuration(b.lo)} allowed` : `at most ${fmtDuration(b.hi)} allowed`;
    detail = `every gap is about ${fmtDuration(typical)}, not ${fmtSpecDuration(body.periodMs)} (${limit})${together}, from ${citeShort(trace, all[0]!)} to ${citeShort(trace, all[all.length - 1]!)}`;
  } else {
    const shown = bad.slice(0, 3).map(
      (g) => `${citeShort(trace, g.a)} → ${citeShort(trace, g.b)}: ${fmtDuration(g.d)} (${offBy(g.d, b, 'too long', 'too short')})`,
    );
    if (bad.length > 3) shown.push(`and ${bad.length - 3} more`);
    detail = `${gaps.length - bad.length} of ${plural(gaps.length, 'gap')} hold (gaps range ${span}). Off: ${shown.join('; ')}`;
  }
  // One entry per line: the late line of a bad gap is offending; its predecessor an anchor unless itself offending.
  const byIndex = new Map<number, LineRef>();
  for (const g of bad.slice(0, 40)) {
    byIndex.set(g.b, ref(trace, g.b, 'offending', `${fmtDuration(g.d)} after the previous`));
    if (!byIndex.has(g.a)) byIndex.set(g.a, ref(trace, g.a, 'anchor'));
  }
  const lines = [...byIndex.values()].sort((x, y) => x.index - y.index);
  return failed(
    ctx,
    'violated',
    `expected lines matching ${describe(body.line)} ${expect}; ${detail}`,
    (gaps.length - bad.length) / gaps.length,
    lines,
    windows,
  );
}
