/** What a captured value is compared with: a constant, another line's capture, or the runtime; and the tolerance. */

import type { CheckBody, ValueRef } from '../../spec/types.js';
import type { CheckOutcome } from '../types.js';
import { failed, ref, type Ctx } from '../common.js';
import { citeShort, describe, fmtDuration, quote, trimNumber } from '../format.js';
import { selectOne } from '../match.js';
import { whyMissing } from '../explain/index.js';
import { capture, parseList, parseNumber } from './parse.js';
import { evalExpr, exprText } from './expr.js';

type ValueBody = Extract<CheckBody, { kind: 'value' }>;

export const EPS = 1e-9;

/** A resolved comparison target. */
export interface Target {
  kind: 'number' | 'string' | 'list';
  num?: number;
  str?: string;
  list?: number[];
  /** How to say it: "9", "the measured runtime (2.51 s)", "the value of /total: (\d+)/ (45, trace line 12)". */
  text: string;
  line?: number;
  /** Every line an expression read. */
  lines?: number[];
}

export type Resolved = { ok: true; target: Target } | { ok: false; outcome: CheckOutcome };

export function resolveRef(ctx: Ctx, r: ValueRef, wantList: boolean): Resolved {
  switch (r.kind) {
    case 'number':
      return { ok: true, target: { kind: 'number', num: r.value, text: trimNumber(r.value) } };
    case 'string':
      return { ok: true, target: { kind: 'string', str: r.value, text: quote(r.value) } };
    case 'runtime': {
      const s = ctx.run.wallMs / 1000;
      return { ok: true, target: { kind: 'number', num: s, text: `the measured runtime (${fmtDuration(ctx.run.wallMs)})` } };
    }
    case 'expr': {
      const v = evalExpr(ctx, r.expr);
      if (!v.ok) {
        return { ok: false, outcome: failed(ctx, 'not-applicable', `cannot be checked: the value is compared with ${r.text}, which cannot be computed: ${v.why}`, 0, v.lines.map((i) => ref(ctx.trace, i, 'anchor'))) };
      }
      return { ok: true, target: { kind: 'number', num: v.value, text: exprText(r.text, v), lines: v.lines } };
    }
    case 'capture': {
      const i = selectOne(r.line, ctx.trace);
      if (i < 0) {
        const why = whyMissing(ctx, r.line, { from: 0, to: ctx.trace.length });
        return {
          ok: false,
          outcome: failed(ctx, 'not-applicable', `cannot be checked: the value is compared with the one on ${describe(r.line)}, which ${why.text.replace(/^it /, '')}`, 0, why.lines),
        };
      }
      const raw = capture(r.line, r.group, ctx.trace[i]!.text);
      const where = citeShort(ctx.trace, i);
      if (raw === undefined) {
        return { ok: false, outcome: failed(ctx, 'not-applicable', `cannot be checked: the line it is compared with, ${where}, has no group ${String(r.group)} to capture`, 0, [ref(ctx.trace, i, 'anchor')]) };
      }
      if (wantList) {
        const { values } = parseList(raw);
        return { ok: true, target: { kind: 'list', list: values, str: raw, text: `the list on ${where}`, line: i } };
      }
      const n = parseNumber(raw);
      if (n === undefined) return { ok: true, target: { kind: 'string', str: raw.trim(), text: `${quote(raw.trim())} from ${where}`, line: i } };
      return { ok: true, target: { kind: 'number', num: n, str: raw.trim(), text: `${trimNumber(n)} from ${where}`, line: i } };
    }
  }
}

/** Tolerance for a value comparison, in the value's unit (see the module comment). */
export function valueTolerance(ctx: Ctx, body: ValueBody, target: number): number {
  const t = body.tolerance && (body.tolerance.ms !== undefined || body.tolerance.relative !== undefined) ? body.tolerance : ctx.spec.timing?.tolerance ?? {};
  let v = 0;
  if (t.ms !== undefined) v = Math.max(v, t.ms / 1000);
  if (t.relative !== undefined) v = Math.max(v, t.relative * Math.abs(target));
  return v * ctx.scale;
}
