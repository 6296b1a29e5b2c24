/**
 * Timing constructs (Konrad & Cheng's real-time patterns): a line at a time ± tolerance, the
 * delay between two lines (bounded response, minimum/maximum distance), bounded recurrence
 * (`every`), and total runtime. Tolerances and at_most bounds are multiplied by
 * `timing.scale`; at_least bounds are not (a slow grader only makes things later). Under a
 * virtual clock times are exact; the same code applies.
 */

import type { CheckBody, Tolerance } from '../spec/types.js';
import type { CheckOutcome, LineRef, TimeWindow } from './types.js';
import { failed, fmtTol, passed, ref, scaledAtMost, toleranceMs, type Ctx } from './common.js';
import { cite, citeShort, describe, fmtDuration, fmtSpecDuration, fmtTime, plural, trimNumber } from './format.js';
import { findAll, findFrom, select, selectOne } from './match.js';
import { capitalize, whyMissing } from './explain/index.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

/** Bounds on a duration, and how to say them. */
interface Bounds {
  lo: number;
  hi: number;
  /** "about 2 s ± 300 ms", "at most 1 s", "at least 1 s and at most 3 s". */
  text: string;
}

function bounds(
  ctx: Ctx,
  b: { aboutMs?: number; atLeastMs?: number; atMostMs?: number; tolerance: Tolerance },
): Bounds {
  let lo = -Infinity;
  let hi = Infinity;
  const parts: string[] = [];
  if (b.aboutMs !== undefined) {
    const tol = toleranceMs(ctx, b.tolerance, b.aboutMs);
    lo = b.aboutMs - tol;
    hi = b.aboutMs + tol;
    parts.push(`about ${fmtSpecDuration(b.aboutMs)} ${fmtTol(tol)}`);
  }
  if (b.atLeastMs !== undefined) {
    lo = Math.max(lo, b.atLeastMs);
    parts.push(`at least ${fmtSpecDuration(b.atLeastMs)}`);
  }
  if (b.atMostMs !== undefined) {
    const m = scaledAtMost(ctx, b.atMostMs);
    hi = Math.min(hi, m);
    parts.push(`at most ${fmtSpecDuration(m)}${ctx.scale !== 1 ? ` (${fmtSpecDuration(b.atMostMs)} × scale ${trimNumber(ctx.scale)})` : ''}`);
  }
  // "at least 2.2 s and at most 3.4 s" reads better as a range.
  if (b.aboutMs === undefined && b.atLeastMs !== undefined && b.atMostMs !== undefined && ctx.scale === 1) {
    return { lo, hi, text: `between ${fmtSpecDuration(b.atLeastMs)} and ${fmtSpecDuration(b.atMostMs)}` };
  }
  return { lo, hi, text: parts.join(' and ') || 'any time' };
}

/** "420 ms too late" / "1.20 s too early" / "" when inside. */
function offBy(v: number, b: { lo: number; hi: number }, late = 'too late', early = 'too early'): string {
  if (v > b.hi) return `${fmtDuration(v - b.hi)} ${late}`;
  if (v < b.lo) return `${fmtDuration(b.lo - v)} ${early}`;
  return '';
}

/** How far a delay is outside its bounds, naming the bound ("223 ms more than the 2.30 s allowed"). */
function beyondBound(v: number, b: { lo: number; hi: number }): string {
  if (v > b.hi) return `${fmtDuration(v - b.hi)} more than the ${fmtDuration(b.hi)} allowed`;
  if (v < b.lo) return `${fmtDuration(b.lo - v)} less than the ${fmtDuration(b.lo)} required`;
  return '';
}

/** A window for the timeline; an open end becomes the end of the run (JSON has no Infinity). */
function windowOf(ctx: Ctx, base: number, b: { lo: number; hi: number }, label: string): TimeWindow {
  const from = Number.isFinite(b.lo) ? Math.max(0, base + b.lo) : base;
  const to = Number.isFinite(b.hi) ? base + b.hi : Math.max(ctx.run.wallMs, from);
  return { fromMs: from, toMs: Math.max(from, to), label };
}

// ------------------------------------------------------------ at

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

// ------------------------------------------------------------ delay

export function evalDelay(ctx: Ctx, body: Body<'delay'>): CheckOutcome {
  const { trace } = ctx;
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
  const b = bounds(ctx, body);
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

// ------------------------------------------------------------ every

export function evalEvery(ctx: Ctx, body: Body<'every'>): CheckOutcome {
  const { trace } = ctx;
  const all = findAll(body.line, trace);
  const tol = toleranceMs(ctx, body.tolerance, body.periodMs);
  const b = { lo: body.periodMs - tol, hi: body.periodMs + tol };
  const expect = `every ${fmtSpecDuration(body.periodMs)} ${fmtTol(tol)}`;
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

// ------------------------------------------------------------ runtime

export function evalRuntime(ctx: Ctx, body: Body<'runtime'>): CheckOutcome {
  const { run, trace } = ctx;
  const b = bounds(ctx, body);
  const windows = [windowOf(ctx, 0, b, 'end of run expected')];
  const took = run.wallMs;
  const clock = run.clock === 'virtual' ? ' (virtual time)' : '';
  if (took >= b.lo && took <= b.hi) {
    return passed(ctx, `the run took ${fmtDuration(took)}${clock} (expected ${b.text})`, [], windows);
  }
  const extra: string[] = [];
  const lines: LineRef[] = [];
  if (run.timedOut) extra.push('it was stopped at the wall-time limit');
  if (trace.length > 0) {
    const last = trace.length - 1;
    extra.push(`its last line was ${cite(trace, last)}`);
    lines.push(ref(trace, last, 'context', 'last line printed'));
  } else extra.push('it printed nothing');
  return failed(
    ctx,
    'violated',
    `expected the run to take ${b.text}; it took ${fmtDuration(took)}${clock}: ${offBy(took, b, 'too long', 'too short')}. ${capitalize(extra.join('; '))}`,
    0,
    lines,
    windows,
  );
}
