/** What every evaluator shares: the context, tolerances, scopes, and outcome builders. */

import type { Check, LineSelector, Scope, Spec, Tolerance } from '../spec/types.js';
import type { RunRecord, TraceLine } from '../trace/types.js';
import type { CheckOutcome, FailureCategory, LineRef, TimeWindow } from './types.js';
import { citeShort, describe, fmtSpecDuration } from './format.js';
import { findFrom, fullRange, select, type Range } from './match.js';
import { attributeLines, modelOf, usesBy } from './printers.js';
import type { Model } from './tasks/model.js';

export interface Ctx {
  spec: Spec;
  run: RunRecord;
  trace: TraceLine[];
  check: Check;
  /** spec.timing.scale, sanitised (a missing or non-positive scale is 1). */
  scale: number;
  /** The run's task model, built once per run and shared by every check (empty without a task trace). */
  model: () => Model;
}

export function makeCtx(spec: Spec, run: RunRecord, check: Check): Ctx {
  const s = spec.timing?.scale;
  // Who printed each line, once per run, when a selector asks (`by:`; match.ts reads it).
  if (usesBy(spec)) attributeLines(run);
  return { spec, run, trace: run.trace, check, scale: typeof s === 'number' && s > 0 ? s : 1, model: () => modelOf(run) };
}

/**
 * A tolerance in ms around `expectedMs`, scaled. An empty tolerance falls back to the spec's
 * default; when both an absolute and a relative part are given the wider one applies.
 */
export function toleranceMs(ctx: Ctx, tol: Tolerance | undefined, expectedMs: number): number {
  const t = tol && (tol.ms !== undefined || tol.relative !== undefined) ? tol : ctx.spec.timing?.tolerance ?? {};
  let v = 0;
  if (t.ms !== undefined) v = Math.max(v, t.ms);
  if (t.relative !== undefined) v = Math.max(v, t.relative * Math.abs(expectedMs));
  return v * ctx.scale;
}

/** "± 150 ms" */
export function fmtTol(ms: number): string {
  return `± ${fmtSpecDuration(ms)}`;
}

/** An at_most bound after `timing.scale` (slow graders get proportionally more time). */
export function scaledAtMost(ctx: Ctx, ms: number): number {
  return ms * ctx.scale;
}

export function ref(trace: TraceLine[], index: number, role: LineRef['role'], note?: string): LineRef {
  const l = trace[index]!;
  return { index, tMs: l.tMs, text: l.text, stream: l.stream, role, ...(note !== undefined ? { note } : {}) };
}

export function passed(ctx: Ctx, message: string, lines: LineRef[] = [], windows: TimeWindow[] = []): CheckOutcome {
  return { id: ctx.check.id, status: 'passed', fraction: 1, message, lines, windows };
}

export function failed(
  ctx: Ctx,
  category: FailureCategory,
  message: string,
  fraction = 0,
  lines: LineRef[] = [],
  windows: TimeWindow[] = [],
): CheckOutcome {
  // A failure never earns full credit: clamp below 1 so partial points stay honest.
  const f = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 0.99) : 0;
  return { id: ctx.check.id, status: 'failed', fraction: f, message, lines, windows, category };
}

/** The result of resolving a scope: the range to search, and how to describe it; or a not-applicable failure. */
export type ScopeResult =
  | { ok: true; range: Range; phrase: string; lines: LineRef[] }
  | { ok: false; outcome: CheckOutcome };

/**
 * Dwyer scopes: the scope starts right after the first match of `after` and ends at the first
 * following match of `before`. A missing `after` line makes the check not applicable (said
 * first, as its own failure). A missing `before` line leaves the scope open to the end of the
 * trace ("after Q until R"), which the message states.
 */
export function resolveScope(ctx: Ctx, scope: Scope | undefined): ScopeResult {
  const { trace } = ctx;
  if (!scope || (!scope.after && !scope.before)) return { ok: true, range: fullRange(trace), phrase: '', lines: [] };
  let from = 0;
  const lines: LineRef[] = [];
  const parts: string[] = [];
  if (scope.after) {
    const a = select(scope.after, trace)[0] ?? -1;
    if (a < 0) {
      return {
        ok: false,
        outcome: failed(
          ctx,
          'not-applicable',
          `cannot be checked: the check looks only after ${describe(scope.after)}, which never appears`,
          0,
          [],
        ),
      };
    }
    from = a + 1;
    lines.push(ref(trace, a, 'anchor', 'scope starts after this line'));
    parts.push(`after ${citeShort(trace, a)}`);
  }
  let to = trace.length;
  if (scope.before) {
    const b = findFrom(scope.before, trace, from);
    if (b >= 0) {
      to = b;
      lines.push(ref(trace, b, 'anchor', 'scope ends before this line'));
      parts.push(`before ${citeShort(trace, b)}`);
    } else {
      parts.push(`to the end (${describe(scope.before)} never ${scope.after ? 'follows' : 'appears'})`);
    }
  }
  return { ok: true, range: { from, to }, phrase: ` ${parts.join(' and ')}`, lines };
}

/** Lines of the trace a stream choice sees, as indices. */
export function streamIndices(trace: TraceLine[], stream: LineSelector['stream'], range: Range = fullRange(trace)): number[] {
  const out: number[] = [];
  for (let i = range.from; i < Math.min(range.to, trace.length); i++) if (stream === 'any' || trace[i]!.stream === stream) out.push(i);
  return out;
}
