/**
 * The sentences about an exception: the one place a Python traceback or Node stack becomes
 * words. The trace line ("trace line 22, stderr") says where the message sits in the output;
 * the site ("main.py:10 (in helper)") is the line to open in the editor. Warnings that name a
 * file:line of the student's code are cited the same way.
 */

import type { TraceLine } from '../../trace/types.js';
import type { LineRef } from '../types.js';
import { warningAt, type Site } from '../traceback.js';
import type { WarningRef } from './evidence.js';
import { ref, type Ctx } from '../common.js';
import { crashOf } from '../crash.js';
import { cite, traceLine } from '../format.js';

/** "main.py:17 (in helper)" */
export function renderSite(s: Site): string {
  return `${s.file}:${s.line}${s.fn ? ` (in ${s.fn})` : ''}`;
}

/** "'RuntimeError: boom' at 0.20 s (trace line 22, stderr), raised at main.py:10 (in helper)" */
export function renderError(trace: TraceLine[], c: { index: number; site?: Site | undefined }): string {
  return `${cite(trace, c.index)}${c.site ? `, raised at ${renderSite(c.site)}` : ''}`;
}

/**
 * "; the RuntimeWarning (trace line 1) was issued at main.py:15", or for several "; the warnings
 * were issued at main.py:15 (trace line 1) and main.py:22 (trace line 7)"; '' for none.
 */
export function renderWarnings(ws: WarningRef[]): string {
  if (ws.length === 0) return '';
  if (ws.length === 1) return `; the ${ws[0]!.category} (${traceLine(ws[0]!.index)}) was issued at ${renderSite(ws[0]!.site)}`;
  const shown = ws.slice(0, 3).map((w) => `${renderSite(w.site)} (${traceLine(w.index)})`);
  if (ws.length > 3) shown.push(`${ws.length - 3} more`);
  return `; the warnings were issued at ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** "; the error is 'RuntimeError: boom' at … (trace line 22, stderr), raised at main.py:10 (in helper)", with its line; '' without an exception. */
export function errorNote(ctx: Ctx): { text: string; lines: LineRef[] } {
  const crash = crashOf(ctx.run);
  if (!crash) return { text: '', lines: [] };
  return { text: `; the error is ${renderError(ctx.trace, crash)}`, lines: [ref(ctx.trace, crash.index, 'context', 'the error')] };
}

/** The warnings among trace lines `idx` that name a line of the student's code, rendered (renderWarnings). */
export function warningNote(ctx: Ctx, idx: number[]): string {
  return renderWarnings(idx.flatMap((index) => {
    const w = warningAt(ctx.trace, index);
    return w?.site ? [{ index, category: w.category, site: w.site }] : [];
  }));
}

/**
 * The exception as the reason stderr lines `idx` are there: errorNote when one of them is part
 * of the run's exception (its traceback, or the exception line), not a warning; else nothing.
 */
export function errorNoteFor(ctx: Ctx, idx: number[]): { text: string; lines: LineRef[] } {
  const crash = crashOf(ctx.run);
  const part = crash && idx.some((i) => ctx.trace[i]!.stream === 'stderr' && i <= crash.index && !warningAt(ctx.trace, i));
  return part ? errorNote(ctx) : { text: '', lines: [] };
}
