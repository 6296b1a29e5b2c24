/** Bounds on a duration (about ± tolerance, at least, at most), scaled by `timing.scale`, and how to say them. */

import type { BoundExprs, CheckBody, Tolerance } from '../../spec/types.js';
import type { CheckOutcome, LineRef, TimeWindow } from '../types.js';
import { failed, fmtTol, ref, scaledAtMost, toleranceMs, type Ctx } from '../common.js';
import { evalExpr, exprText } from '../values/expr.js';
import { fmtDuration, fmtSpecDuration, trimNumber } from '../format.js';

/** Bounds on a duration, and how to say them. */
export interface Bounds {
  lo: number;
  hi: number;
  /** "about 2 s ± 300 ms", "at most 1 s", "at least 1 s and at most 3 s". */
  text: string;
}

export function bounds(
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
export function offBy(v: number, b: { lo: number; hi: number }, late = 'too late', early = 'too early'): string {
  if (v > b.hi) return `${fmtDuration(v - b.hi)} ${late}`;
  if (v < b.lo) return `${fmtDuration(b.lo - v)} ${early}`;
  return '';
}

/** How far a delay is outside its bounds, naming the bound ("223 ms more than the 2.30 s allowed"). */
export function beyondBound(v: number, b: { lo: number; hi: number }): string {
  if (v > b.hi) return `${fmtDuration(v - b.hi)} more than the ${fmtDuration(b.hi)} allowed`;
  if (v < b.lo) return `${fmtDuration(b.lo - v)} less than the ${fmtDuration(b.lo)} required`;
  return '';
}

/** A window for the timeline; an open end becomes the end of the run (JSON has no Infinity). */
export function windowOf(ctx: Ctx, base: number, b: { lo: number; hi: number }, label: string): TimeWindow {
  const from = Number.isFinite(b.lo) ? Math.max(0, base + b.lo) : base;
  const to = Number.isFinite(b.hi) ? base + b.hi : Math.max(ctx.run.wallMs, from);
  return { fromMs: from, toMs: Math.max(from, to), label };
}

type WithExprs = { aboutMs?: number; atLeastMs?: number; atMostMs?: number; tolerance: Tolerance; exprs?: BoundExprs };

/**
 * Bounds written as expressions (seconds) computed against the run, as plain ms bounds; `note`
 * says what they came to ("about: max($delays) (= 1.84; …)"). A bound that cannot be computed
 * makes the check not applicable, with the reason.
 */
export function resolveExprBounds<B extends WithExprs>(ctx: Ctx, body: B): { ok: true; body: B; note: string; lines: LineRef[] } | { ok: false; outcome: CheckOutcome } {
  if (!body.exprs) return { ok: true, body, note: '', lines: [] };
  const out: B = { ...body };
  const notes: string[] = [];
  const lines: LineRef[] = [];
  for (const [key, field, word] of [['about', 'aboutMs', 'about'], ['atLeast', 'atLeastMs', 'at least'], ['atMost', 'atMostMs', 'at most']] as const) {
    const r = body.exprs[key];
    if (!r) continue;
    const v = evalExpr(ctx, r.expr);
    const refs = v.lines.map((i) => ref(ctx.trace, i, 'anchor', `read for ${word}`));
    if (!v.ok) return { ok: false, outcome: failed(ctx, 'not-applicable', `cannot be checked: the bound ${word} ${r.text} cannot be computed: ${v.why}`, 0, refs) };
    out[field] = Math.max(0, v.value * 1000);
    notes.push(`${word} ${exprText(r.text, v, (x) => fmtDuration(x * 1000))}`);
    lines.push(...refs);
  }
  return { ok: true, body: out, note: ` — ${notes.join(', ')}`, lines };
}
