/** `exists`, `absent` and `count` (FileCheck CHECK, CHECK-NOT, CHECK-COUNT), each optionally inside a Dwyer scope. */

import type { CheckBody } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, resolveScope, type Ctx } from '../common.js';
import { cite, citeShort, describe, plural } from '../format.js';
import { findAll, occurrenceWord, pickOccurrence } from '../match.js';
import { errorNoteFor, listLines, stopNote, warningNote, whyMissing } from '../explain/index.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

export function evalExists(ctx: Ctx, body: Body<'exists'>): CheckOutcome {
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const picked = pickOccurrence(body.line, findAll(body.line, ctx.trace, sc.range));
  const occ = typeof body.line.occurrence === 'number' || body.line.occurrence === 'last' ? `the ${occurrenceWord(body.line)} ` : '';
  if (picked.length > 0) {
    const i = picked[0]!;
    return passed(ctx, `found ${occ}${cite(ctx.trace, i)}${sc.phrase}`, [ref(ctx.trace, i, 'match'), ...sc.lines]);
  }
  const why = whyMissing(ctx, body.line, sc.range);
  return failed(ctx, 'missing', `expected ${occ}${describe(body.line)}${sc.phrase}; ${why.text}`, 0, [...why.lines, ...sc.lines]);
}

export function evalAbsent(ctx: Ctx, body: Body<'absent'>): CheckOutcome {
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const all = findAll(body.line, ctx.trace, sc.range);
  // "absent: the 3rd X" means fewer than three; otherwise any match is one too many.
  const bad = typeof body.line.occurrence === 'number' ? pickOccurrence(body.line, all) : all;
  const occ = typeof body.line.occurrence === 'number' ? `a ${occurrenceWord(body.line)} ` : '';
  if (bad.length === 0) {
    const trunc = ctx.run.truncated ? ' (the output was cut at the size limit, so only what was captured was searched)' : '';
    return passed(ctx, `no ${occ}line matches ${describe(body.line)}${sc.phrase}${trunc}`, sc.lines);
  }
  const shown = typeof body.line.occurrence === 'number' ? bad : all;
  // A traceback's lines on stderr: say which exception, raised where; a warning: the line it names.
  const err = errorNoteFor(ctx, shown);
  const offending = shown.slice(0, 10).map((i) => ref(ctx.trace, i, 'offending', 'should not be here'));
  return failed(
    ctx,
    'violated',
    `expected no ${occ}line matching ${describe(body.line)}${sc.phrase}; found ${plural(shown.length, 'such line')}: ${listLines(ctx, shown)}${err.text}${warningNote(ctx, shown)}`,
    0,
    [...offending, ...err.lines.filter((l) => !offending.some((o) => o.index === l.index)), ...sc.lines],
  );
}

// ------------------------------------------------------------ count

export function evalCount(ctx: Ctx, body: Body<'count'>): CheckOutcome {
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const all = findAll(body.line, ctx.trace, sc.range);
  const n = all.length;
  const want: string[] = [];
  let ok = true;
  let fraction = 1;
  if (body.exactly !== undefined) {
    want.push(`exactly ${body.exactly}`);
    if (n !== body.exactly) ok = false;
    fraction = Math.min(fraction, n <= body.exactly ? (body.exactly === 0 ? 1 : n / body.exactly) : body.exactly / n);
  }
  if (body.atLeast !== undefined) {
    want.push(`at least ${body.atLeast}`);
    if (n < body.atLeast) ok = false;
    fraction = Math.min(fraction, body.atLeast === 0 ? 1 : Math.min(1, n / body.atLeast));
  }
  if (body.atMost !== undefined) {
    want.push(`at most ${body.atMost}`);
    if (n > body.atMost) ok = false;
    fraction = Math.min(fraction, n <= body.atMost ? 1 : body.atMost / n);
  }
  const wantText = want.join(' and ') || 'any number of';
  const lines = all.slice(0, 20).map((i) => ref(ctx.trace, i, 'match'));
  if (ok) {
    return passed(
      ctx,
      `${plural(n, 'line')} ${n === 1 ? 'matches' : 'match'} ${describe(body.line)}${sc.phrase} (expected ${wantText})${n > 0 ? `: ${listLines(ctx, all)}` : ''}`,
      [...lines, ...sc.lines],
    );
  }
  let detail: string;
  let extraLines: LineRef[] = [];
  if (n === 0) {
    const why = whyMissing(ctx, body.line, sc.range);
    detail = why.text.replace(/^it never appears/, 'none appears');
    extraLines = why.lines;
  } else {
    detail = `found ${n}: ${listLines(ctx, all)}`;
    const need = body.atLeast ?? body.exactly;
    if (need !== undefined && n < need) {
      // Too few because the run stopped early: say what stopped it (and where it was raised).
      const stop = stopNote(ctx);
      detail += stop.text;
      extraLines = stop.lines;
    }
    const limit = body.atMost ?? body.exactly;
    if (limit !== undefined && n > limit) {
      const extra = all.slice(limit);
      detail += `; the ${plural(extra.length, 'line')} beyond ${limit} start${extra.length === 1 ? 's' : ''} at ${citeShort(ctx.trace, extra[0]!)}`;
      // Mark the surplus lines as the offending ones.
      for (const r of lines) if (extra.includes(r.index)) Object.assign(r, { role: 'offending', note: `beyond ${limit}` });
    }
  }
  return failed(
    ctx,
    n === 0 ? 'missing' : 'violated',
    `expected ${wantText} ${want.length ? (body.exactly === 1 || (body.atLeast === 1 && want.length === 1) || (body.atMost === 1 && want.length === 1) ? 'line' : 'lines') : ''} matching ${describe(body.line)}${sc.phrase}; ${detail}`.replace(/\s+/g, ' '),
    fraction,
    [...lines, ...extraLines, ...sc.lines],
  );
}
