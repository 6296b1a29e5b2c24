/**
 * Why an expected line is not where it should be: the prose every line-finding evaluator shares
 * (ordering, timing, values). It appears only outside the scope, too few times, never (with
 * FileCheck's "possible intended match here"), or something else came instead.
 */

import type { LineSelector } from '../../spec/types.js';
import type { LineRef } from '../types.js';
import { ref, streamIndices, type Ctx } from '../common.js';
import { citeShort, describe, fmtDuration, fmtSpecDuration, fmtTime, plural, quote, streamName, where } from '../format.js';
import { findAll, findNearMiss, occurrenceWord, type Range } from '../match.js';
import { crashOf } from '../crash.js';
import { renderError } from './crash.js';
import { appliedValue, limitHit, limitNoun, raiseHint } from '../../trace/limit-hint.js';

/** Up to `max` short citations, "and N more" after. */
export function listLines(ctx: Ctx, idx: number[], max = 3): string {
  const shown = idx.slice(0, max).map((i) => citeShort(ctx.trace, i));
  if (idx.length > max) shown.push(`and ${idx.length - max} more`);
  return shown.join(', ');
}

/**
 * The sentence for a line that is not where it was expected: it appears only outside the
 * range, or never, with the likely intended line (FileCheck's "possible intended match here").
 */
export function whyMissing(
  ctx: Ctx,
  sel: LineSelector,
  range: Range,
  exclude: ReadonlySet<number> = new Set(),
  after?: number,
): { text: string; lines: LineRef[] } {
  const { trace } = ctx;
  const stop = stopClause(ctx);
  const cut = stop.text ? ` (${stop.text})` : '';
  const inRange = findAll(sel, trace, range);
  if (typeof sel.occurrence === 'number' && inRange.length > 0 && inRange.length < sel.occurrence) {
    return {
      text: `there is no ${occurrenceWord(sel)} match, only ${plural(inRange.length, 'line')} (${listLines(ctx, inRange)})${stop.text ? `; ${stop.text}` : ''}`,
      lines: [...inRange.map((i) => ref(trace, i, 'context', 'a match, but too few')), ...stop.lines],
    };
  }
  const anywhere = findAll(sel, trace);
  if (anywhere.length > 0) {
    const outside = anywhere.filter((i) => i < range.from || i >= range.to);
    if (outside.length > 0) {
      return {
        text: `it appears only outside that part of the output: ${listLines(ctx, outside)}`,
        lines: outside.slice(0, 3).map((i) => ref(trace, i, 'near-miss', 'outside the scope')),
      };
    }
  }
  const near = findNearMiss(sel, trace, exclude);
  if (near) {
    return {
      text: `it never appears${cut}; possible intended match: ${near.message}`,
      lines: [ref(trace, near.index, 'near-miss', near.note), ...stop.lines],
    };
  }
  const lines = streamIndices(trace, sel.stream);
  if (lines.length === 0) {
    return { text: `it never appears (${streamName(sel.stream)} is empty${stop.text ? `; ${stop.text}` : ''})`, lines: stop.lines };
  }
  if (after !== undefined) {
    // What came instead, where the line was expected: often the whole story (a task printed
    // instead of its result, a program that stopped early, a loop stuck on one value).
    const rest = lines.filter((i) => i > after);
    const sname = sel.stream === 'any' ? 'line' : `${sel.stream} line`;
    if (rest.length === 0) {
      if (stop.text) return { text: `it never appears${cut}`, lines: stop.lines };
      return { text: `it never appears; nothing follows on ${streamName(sel.stream)} (the run ended at ${fmtTime(ctx.run.wallMs)})`, lines: [] };
    }
    const next = rest[0]!;
    const last = rest[rest.length - 1]!;
    // A loop that never advances prints the previous line over and over: say that, not just "the next is '0'".
    const again = trace[after] ? rest.filter((i) => trace[i]!.text === trace[after]!.text) : [];
    if (again.length >= 2 && again.length * 2 >= rest.length) {
      const lastAgain = again[again.length - 1]!;
      return {
        text: `it never appears${cut}; instead ${quote(trace[after]!.text)} comes again, ${again.length} more times, from ${fmtTime(trace[again[0]!]!.tMs)} (${where(trace, again[0]!)}) to ${fmtTime(trace[lastAgain]!.tMs)} (${where(trace, lastAgain)})`,
        lines: [ref(trace, again[0]!, 'context', `came instead, ${again.length} more times`), ref(trace, lastAgain, 'context'), ...stop.lines],
      };
    }
    const tail = rest.length > 1 ? `, and the last is ${citeShort(trace, last)}` : '';
    return {
      text: `it never appears${cut}; the next ${sname} is ${citeShort(trace, next)}${tail}`,
      lines: [ref(trace, next, 'context', 'came instead'), ...stop.lines],
    };
  }
  return { text: `it never appears${cut}`, lines: stop.lines };
}

/**
 * Why the run may have stopped before printing a line (the shared "cut short" evidence), as a
 * clause callers put in parentheses or after a semicolon, with the error line to show in the
 * excerpt: a crash or a time-out is more actionable than the absence alone. A crash names the
 * exception and the student's file:line ("the program exited with code 1 after 200 ms, stopped
 * by 'RuntimeError: boom' at 0.20 s (trace line 22, stderr), raised at main.py:10 (in helper)");
 * a limit names itself, its value and how to raise it. A program that printed an exception and
 * still exited 0 (a driver's traceback.print_exc) may be cut short too: that exception is cited.
 * '' when nothing stopped it.
 */
export function stopClause(ctx: Ctx): { text: string; lines: LineRef[] } {
  const { run, trace } = ctx;
  const t = fmtDuration(run.wallMs);
  const limit = limitHit(run);
  const hint = limit ? `; ${raiseHint(limit)}` : '';
  const value = limit ? appliedValue(run, limit) : undefined;
  const named = limit ? `the ${value !== undefined && limit === 'wall' ? `${fmtSpecDuration(value)} ` : ''}${limitNoun(limit)}` : '';
  if (run.timedOut) return { text: `the run was stopped at ${named || 'the wall-time limit'} after ${t}${hint}`, lines: [] };
  if (run.truncated) return { text: `the output was cut off at the size limit, so later lines were not recorded${hint}`, lines: [] };
  const crash = crashOf(run);
  const lines = crash ? [ref(trace, crash.index, 'context', 'the error')] : [];
  const by = crash ? `, stopped by ${renderError(trace, crash)}` : '';
  const at = limit ? ` at ${named}` : '';
  if (run.signal) return { text: `the program was killed by ${run.signal} after ${t}${at}${by}${hint}`, lines };
  if (run.exitCode !== null && run.exitCode !== 0) return { text: `the program exited with code ${run.exitCode} after ${t}${at}${by}${hint}`, lines };
  if (crash) return { text: `the program printed the error ${renderError(trace, crash)}, and still exited with code 0`, lines };
  return { text: '', lines: [] };
}

/**
 * "; the program exited with code 1 …, stopped by …, raised at main.py:10 (in helper)": the
 * stop clause for a check whose lines were found, fewer or worse than expected, because the run
 * stopped early. '' when it ended normally.
 */
export function stopNote(ctx: Ctx): { text: string; lines: LineRef[] } {
  const s = stopClause(ctx);
  return s.text ? { text: `; ${s.text}`, lines: s.lines } : s;
}

/** "'start fetching' never appears" from "it never appears": the sentence with its subject named. */
export function subjectOf(sel: LineSelector, text: string): string {
  return text.startsWith('it ') ? `${describe(sel)} ${text.slice(3)}` : `${describe(sel)}: ${text}`;
}

export function capitalize(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}
