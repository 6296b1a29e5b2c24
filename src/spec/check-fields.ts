/** Fields shared by the constructs as written: durations, tolerances, counts, selector lists, time bounds. */

import type { YAMLMap } from 'yaml';
import { parseDuration, parseTolerance } from './duration.js';
import { parseSelector, type SelectorContext } from './selector.js';
import { looksLikeExpr, resolveExpr } from './expr-resolve.js';
import type { BoundExprs, LineSelector, StreamChoice, Tolerance } from './types.js';

export interface CheckContext extends SelectorContext {
  defaultTolerance: Tolerance;
}

/** A duration field, reported at its node; undefined when absent or bad. */
export function duration(ctx: CheckContext, map: YAMLMap, key: string): number | undefined {
  if (!ctx.y.has(map, key)) return undefined;
  const node = ctx.y.get(map, key);
  const r = parseDuration(ctx.y.js(node), key.replace(/_/g, ' '));
  if (!r.ok) {
    ctx.sink.error(node, `${key}: ${r.message}`, r.hint);
    return undefined;
  }
  return r.value;
}

export function tolerance(ctx: CheckContext, map: YAMLMap): Tolerance {
  if (!ctx.y.has(map, 'tolerance')) return { ...ctx.defaultTolerance };
  const node = ctx.y.get(map, 'tolerance');
  const r = parseTolerance(ctx.y.js(node));
  if (!r.ok) {
    ctx.sink.error(node, r.message, r.hint);
    return { ...ctx.defaultTolerance };
  }
  return r.value;
}

export function integer(ctx: CheckContext, map: YAMLMap, key: string): number | undefined {
  const v = ctx.y.js(ctx.y.get(map, key));
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

export function selectorList(ctx: CheckContext, node: unknown, stream: StreamChoice | undefined): LineSelector[] | undefined {
  const seq = ctx.y.asSeq(node);
  if (!seq) return undefined;
  const out = seq.items.map((item) => parseSelector(ctx, item, stream));
  return out.every((s) => s !== undefined) ? (out as LineSelector[]) : undefined;
}

/** about excludes at_least/at_most; at least one bound; at_least ≤ at_most. */
export function timeBounds(ctx: CheckContext, map: YAMLMap, what: string, stream?: StreamChoice): { aboutMs?: number; atLeastMs?: number; atMostMs?: number; exprs?: BoundExprs } | undefined {
  const { y } = ctx;
  const has = (k: string) => y.has(map, k);
  if (!has('about') && !has('at_least') && !has('at_most')) {
    ctx.sink.error(map, `${what} needs a bound: about, at_least or at_most`, `e.g. ${what}: { about: 2s, tolerance: 0.2s } or { at_most: 3s }`);
    return undefined;
  }
  if (has('about') && (has('at_least') || has('at_most'))) {
    ctx.sink.error(y.pair(map, has('at_least') ? 'at_least' : 'at_most'), `${what}: 'about' cannot be combined with at_least/at_most`, 'use about ± tolerance, or a range with at_least and at_most');
    return undefined;
  }
  const out: { aboutMs?: number; atLeastMs?: number; atMostMs?: number; exprs?: BoundExprs } = {};
  // A bound is a duration, or an expression in seconds ("max($delays)", "runtime / 5").
  let bad = false;
  const bound = (key: string, field: keyof BoundExprs): number | undefined => {
    const node = y.get(map, key);
    const v = y.js(node);
    if (typeof v !== 'string' || !looksLikeExpr(v)) return duration(ctx, map, key);
    const expr = resolveExpr(ctx, node, v, `${what}.${key}`, stream);
    if (expr) (out.exprs ??= {})[field] = { kind: 'expr', expr, text: v.trim() };
    else bad = true;
    return undefined;
  };
  const about = bound('about', 'about');
  const atLeast = bound('at_least', 'atLeast');
  const atMost = bound('at_most', 'atMost');
  if (bad) return undefined;
  if (about !== undefined) out.aboutMs = about;
  if (atLeast !== undefined) out.atLeastMs = atLeast;
  if (atMost !== undefined) out.atMostMs = atMost;
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) {
    ctx.sink.error(y.pair(map, 'at_most'), `${what}: at_most is smaller than at_least, so nothing can pass`, 'swap the two bounds');
    return undefined;
  }
  return out;
}
