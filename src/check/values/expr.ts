/**
 * Evaluating an expression (spec/expr.ts) against a run: captured numbers, aggregates of
 * captured lists, line times and delays, in seconds. Never throws: a line that is missing, a
 * capture that is not a number or a division by zero is a reason, said in words.
 */

import type { Expr } from '../../spec/types.js';
import { citeShort, describe, fmtDuration, trimNumber } from '../format.js';
import { findAll, findFrom, select, selectOne } from '../match.js';
import type { Ctx } from '../common.js';
import { capture, parseList, parseNumber } from './parse.js';

export type ExprValue =
  | { ok: true; value: number; facts: string[]; lines: number[] }
  | { ok: false; why: string; lines: number[] };

type Line = Extract<Expr, { op: 'capture' }>['line'];

function lineOf(ctx: Ctx, line: Line): number | string {
  const i = selectOne(line, ctx.trace);
  return i >= 0 ? i : `${describe(line)} never appears`;
}

export function evalExpr(ctx: Ctx, e: Expr): ExprValue {
  const { trace } = ctx;
  const no = (why: string, lines: number[] = []): ExprValue => ({ ok: false, why, lines });
  const yes = (value: number, facts: string[] = [], lines: number[] = []): ExprValue => ({ ok: true, value, facts, lines });
  switch (e.op) {
    case 'num':
      return yes(e.value);
    case 'runtime':
      return yes(ctx.run.wallMs / 1000, [`runtime = ${fmtDuration(ctx.run.wallMs)}`]);
    case 'capture': {
      const i = lineOf(ctx, e.line);
      if (typeof i === 'string') return no(i);
      const raw = capture(e.line, 1, trace[i]!.text);
      const v = raw === undefined ? undefined : parseNumber(raw);
      if (v === undefined) return no(`${citeShort(trace, i)} holds no number to read`, [i]);
      return yes(v, [`$${e.line.alias} = ${trimNumber(v)} (${citeShort(trace, i)})`], [i]);
    }
    case 'agg': {
      // One line the alias picks (occurrence last or nth), else every matching line; each capture a list.
      const picked = typeof e.line.occurrence === 'number' || e.line.occurrence === 'last' ? select(e.line, trace) : findAll(e.line, trace);
      if (picked.length === 0) return no(`${describe(e.line)} never appears`);
      const values = picked.flatMap((i) => parseList(capture(e.line, 1, trace[i]!.text) ?? '').values);
      const where = picked.length === 1 ? citeShort(trace, picked[0]!) : `${picked.length} lines`;
      if (e.fn !== 'count' && e.fn !== 'sum' && values.length === 0) return no(`${e.fn}($${e.line.alias}) has no numbers to work on (${where})`, picked);
      const v =
        e.fn === 'max' ? Math.max(...values)
        : e.fn === 'min' ? Math.min(...values)
        : e.fn === 'count' ? values.length
        : e.fn === 'sum' ? values.reduce((s, x) => s + x, 0)
        : values.reduce((s, x) => s + x, 0) / values.length;
      const shown = values.length > 8 ? `${values.length} numbers` : `[${values.map(trimNumber).join(', ')}]`;
      return yes(v, [`${e.fn}($${e.line.alias}) = ${trimNumber(v)} (of ${shown}, ${where})`], picked.slice(0, 20));
    }
    case 'time': {
      const i = lineOf(ctx, e.line);
      if (typeof i === 'string') return no(i);
      return yes(trace[i]!.tMs / 1000, [`time($${e.line.alias}) = ${fmtDuration(trace[i]!.tMs)}`], [i]);
    }
    case 'delay': {
      const f = lineOf(ctx, e.from);
      if (typeof f === 'string') return no(f);
      const t = e.to.occurrence === 'first' ? findFrom(e.to, trace, f + 1) : selectOne(e.to, trace);
      if (t < 0) return no(`${describe(e.to)} never appears after ${citeShort(trace, f)}`, [f]);
      const d = trace[t]!.tMs - trace[f]!.tMs;
      return yes(d / 1000, [`delay($${e.from.alias}, $${e.to.alias}) = ${fmtDuration(d)}`], [f, t]);
    }
    case 'neg': {
      const a = evalExpr(ctx, e.a);
      return a.ok ? { ...a, value: -a.value } : a;
    }
    default: {
      const a = evalExpr(ctx, e.a);
      if (!a.ok) return a;
      const b = evalExpr(ctx, e.b);
      if (!b.ok) return b;
      if (e.op === '/' && b.value === 0) return no('it divides by zero', [...a.lines, ...b.lines]);
      const v = e.op === '+' ? a.value + b.value : e.op === '-' ? a.value - b.value : e.op === '*' ? a.value * b.value : a.value / b.value;
      return yes(v, [...a.facts, ...b.facts], [...a.lines, ...b.lines]);
    }
  }
}

/** "runtime / 5 (= 0.38; runtime = 1.90 s)", or the one fact when it is the whole expression: "max($delays) = 1.84 (of [0.5, 1.84], …)". */
export function exprText(src: string, v: Extract<ExprValue, { ok: true }>, unit: (x: number) => string = trimNumber): string {
  if (v.facts.length === 1 && v.facts[0]!.startsWith(`${src} = `)) return v.facts[0]!;
  return `${src} (= ${unit(v.value)}${v.facts.length ? `; ${v.facts.slice(0, 4).join(', ')}` : ''})`;
}
