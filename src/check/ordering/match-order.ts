/** Where an `order` matches: greedy in-order matching (FileCheck CHECK) and strict chains (CHECK-NEXT). */

import type { CheckBody, LineSelector } from '../../spec/types.js';
import { type Ctx } from '../common.js';
import { findAll, findFrom, pickOccurrence, type Range } from '../match.js';
import { matchesAt } from './edges.js';

/** The line that element `sel` of an order matches, searching from `pos` (FileCheck); 'last' and nth name a fixed line that must lie at or after `pos`. */
function orderMatch(ctx: Ctx, sel: LineSelector, pos: number, range: Range): number {
  if (sel.occurrence === 'first' || sel.occurrence === 'every') return findFrom(sel, ctx.trace, pos, range.to);
  const i = pickOccurrence(sel, findAll(sel, ctx.trace, range))[0] ?? -1;
  return i >= pos ? i : -1;
}

/** Greedy in-order matching: earliest match first maximises the in-order prefix. */
export function matchOrder(ctx: Ctx, sels: LineSelector[], range: Range): number[] {
  const m: number[] = [];
  let pos = range.from;
  for (const sel of sels) {
    const i = orderMatch(ctx, sel, pos, range);
    if (i < 0) break;
    m.push(i);
    pos = i + 1;
  }
  return m;
}

/** The next line after `i` that a selector on `stream` would see, or -1. */
export function nextOn(ctx: Ctx, stream: LineSelector['stream'], i: number, to: number): number {
  for (let k = i + 1; k < Math.min(to, ctx.trace.length); k++) {
    if (stream === 'any' || ctx.trace[k]!.stream === stream) return k;
  }
  return -1;
}

/** Strict chains (CHECK-NEXT): the longest chain from any match of the first element; ties go to the earliest. */
export function matchStrict(ctx: Ctx, sels: LineSelector[], range: Range): number[] {
  if (sels.length === 0) return [];
  const starts = sels[0]!.occurrence === 'first' || sels[0]!.occurrence === 'every'
    ? findAll(sels[0]!, ctx.trace, range)
    : pickOccurrence(sels[0]!, findAll(sels[0]!, ctx.trace, range));
  let best: number[] = [];
  for (const s of starts) {
    const chain = [s];
    for (let j = 1; j < sels.length; j++) {
      const k = nextOn(ctx, sels[j]!.stream, chain[j - 1]!, range.to);
      if (k < 0 || !matchesAt(sels[j]!, ctx, k)) break;
      chain.push(k);
    }
    if (chain.length > best.length) best = chain;
    if (best.length === sels.length) break;
  }
  return best;
}
