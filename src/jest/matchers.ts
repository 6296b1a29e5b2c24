/**
 * The Jest matchers: `toSatisfySpec` (a whole spec) and two quick checks built in memory,
 * `toPrintInOrder` (an `order` check) and `toPrintWithin` (a `delay` or `at` check). Each is
 * judged by the same engine as the CLI, and a failure prints the CLI's report.
 */

import type { GradeOptions } from '../batch/types.js';
import { specFromObject, toSpec } from '../lib/spec.js';
import { scoreRecords } from '../lib/grade.js';
import type { Spec } from '../spec/types.js';
import { gradeReceived, recordOf, verdict, type MatcherContext, type MatcherResult, type Received } from './received.js';

/** A duration: seconds as a number, or text such as `'250ms'`, `'0.5s'`. */
export type Duration = number | string;

/** Options of {@link toPrintInOrder}. */
export interface PrintInOrderOptions {
  /** The lines must be consecutive (`strict: true` in a spec). */
  strict?: boolean;
  /** Which stream to look at (default stdout). */
  stream?: 'stdout' | 'stderr';
}

/**
 * Bounds of {@link toPrintWithin}: measured from the line `after` (a `delay` check), or, without
 * `after`, from the start of the program (an `at` check: `atMost` only).
 */
export interface PrintWithinOptions {
  /** The line the time is measured from (a text, or `/regex/`). */
  after?: string;
  /** At most this long after (`at_most`). */
  atMost?: Duration;
  /** At least this long after (`at_least`; needs `after`). */
  atLeast?: Duration;
  /** About this long after, ± `tolerance` (needs `after`). */
  about?: Duration;
  /** Tolerance of `about` (default 0.15 s, as in specs). */
  tolerance?: Duration;
}

const show = (v: unknown) => JSON.stringify(v);

/** A one-check spec run under `runtime`, named after the matcher, titled as its check (the report's heading). */
function quickSpec(runtime: string, name: string, check: Record<string, unknown>): Spec {
  return specFromObject({ name, title: check.title, run: { runtime }, checks: [check] });
}

async function quick(ctx: MatcherContext, call: string, received: Received, check: Record<string, unknown>, what: string): Promise<MatcherResult> {
  const { record, runtime, submission } = await recordOf(received);
  const name = /\.(to\w+)\(/.exec(call)?.[1] ?? 'expect';
  const result = scoreRecords(quickSpec(runtime, name, check), record, submission);
  return verdict(ctx, call, result, what);
}

/** The seconds of a duration, for `at`: a number stays, '250ms' → 0.25. */
function seconds(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = /^\s*([\d.]+)\s*(ms|s|m)?\s*$/.exec(d);
  if (!m) throw new TypeError(`toPrintWithin: ${show(d)} is not a duration (write 0.5, '500ms' or '0.5s')`);
  return Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1);
}

/**
 * tracegrade's Jest matchers, for `expect.extend(matchers)` (importing `tracegrade/jest` does it
 * for the global `expect`). Each is async: `await expect(…).toSatisfySpec(…)`.
 */
export const matchers = {
  /**
   * The submission passes every check of the spec. `received`: a submission path, `run(…)`, or
   * a recorded run. Fails with the report `tracegrade check` prints.
   */
  async toSatisfySpec(this: MatcherContext, received: Received, spec: string | Spec, options?: GradeOptions): Promise<MatcherResult> {
    const s = await toSpec(spec);
    const result = await gradeReceived(received, s, options);
    return verdict(this, `expect(received).toSatisfySpec(${show(typeof spec === 'string' ? spec : s.name)})`, result, `satisfy ${s.name}`);
  },

  /** The program prints these lines in this order (other lines may come between, unless `strict`). */
  async toPrintInOrder(this: MatcherContext, received: Received, lines: string[], options: PrintInOrderOptions = {}): Promise<MatcherResult> {
    const check = {
      id: 'in-order',
      title: `Prints ${lines.map((l) => show(l)).join(', ')} in this order`,
      order: lines,
      ...(options.strict ? { strict: true } : {}),
      ...(options.stream ? { stream: options.stream } : {}),
    };
    return quick(this, `expect(received).toPrintInOrder(${show(lines)})`, received, check, 'print these lines in order');
  },

  /** The program prints `line` within the bounds: after another line (`after`), or from its start. */
  async toPrintWithin(this: MatcherContext, received: Received, line: string, bounds: PrintWithinOptions | Duration): Promise<MatcherResult> {
    const b: PrintWithinOptions = typeof bounds === 'object' ? bounds : { atMost: bounds };
    let body: Record<string, unknown>;
    if (b.after !== undefined) {
      body = {
        delay: {
          from: b.after,
          to: line,
          ...(b.atMost !== undefined ? { at_most: b.atMost } : {}),
          ...(b.atLeast !== undefined ? { at_least: b.atLeast } : {}),
          ...(b.about !== undefined ? { about: b.about } : {}),
          ...(b.tolerance !== undefined ? { tolerance: b.tolerance } : {}),
        },
      };
    } else if (b.atMost !== undefined && b.atLeast === undefined && b.about === undefined) {
      // From the start: "at half the bound, ± half" is the window [0, atMost].
      const half = seconds(b.atMost) / 2;
      body = { at: { line, time: half, tolerance: half } };
    } else {
      throw new TypeError('toPrintWithin: without `after`, give only `atMost` (a time from the start of the program)');
    }
    const dur = (d: Duration) => (typeof d === 'number' ? `${d} s` : d);
    const parts = [b.about !== undefined ? `about ${dur(b.about)}` : '', b.atLeast !== undefined ? `at least ${dur(b.atLeast)}` : '', b.atMost !== undefined ? `at most ${dur(b.atMost)}` : ''];
    const title = `Prints ${show(line)} ${parts.filter(Boolean).join(' and ')} ${b.after !== undefined ? `after ${show(b.after)}` : 'from the start'}`;
    return quick(this, `expect(received).toPrintWithin(${show(line)}, ${show(bounds)})`, received, { id: 'within', title, ...body }, `print ${show(line)} in time`);
  },
};
