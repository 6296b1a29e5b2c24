/**
 * Ordering constructs: exists, absent, count, first, last, order (FileCheck CHECK / CHECK-NEXT)
 * and group (CHECK-DAG), each optionally inside a Dwyer scope.
 */

import type { CheckBody, LineSelector } from '../spec/types.js';
import type { CheckOutcome, LineRef } from './types.js';
import { failed, passed, ref, resolveScope, streamIndices, type Ctx } from './common.js';
import { cite, citeShort, describe, plural, streamName } from './format.js';
import { findAll, findFrom, findNearMiss, occurrenceWord, pickOccurrence, type Range } from './match.js';
import { capitalize, cutShort, listLines, subjectOf, whyMissing } from './explain/index.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

// ------------------------------------------------------------ exists / absent

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
  return failed(
    ctx,
    'violated',
    `expected no ${occ}line matching ${describe(body.line)}${sc.phrase}; found ${plural(shown.length, 'such line')}: ${listLines(ctx, shown)}`,
    0,
    [...shown.slice(0, 10).map((i) => ref(ctx.trace, i, 'offending', 'should not be here')), ...sc.lines],
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

// ------------------------------------------------------------ first / last

function evalEdge(ctx: Ctx, sel: LineSelector, which: 'first' | 'last'): CheckOutcome {
  const { trace } = ctx;
  const onStream = streamIndices(trace, sel.stream);
  const sname = streamName(sel.stream);
  const label = sel.stream === 'any' ? `${which} line of the output` : `${which} ${sname} line`;
  if (onStream.length === 0) {
    const near = findNearMiss(sel, trace);
    const tail = near ? `; possible intended match: ${near.message}` : '';
    return failed(ctx, 'missing', `expected the ${label} to be ${describe(sel)}; ${sname} is empty${cutShort(ctx)}${tail}`, 0,
      near ? [ref(trace, near.index, 'near-miss', near.note)] : []);
  }
  const edge = which === 'first' ? onStream[0]! : onStream[onStream.length - 1]!;
  if (matchesAt(sel, ctx, edge)) {
    return passed(ctx, `the ${label} is ${cite(trace, edge)}`, [ref(trace, edge, 'match')]);
  }
  const all = findAll(sel, trace);
  const lines: LineRef[] = [ref(trace, edge, 'offending', `the ${which} line; expected ${describe(sel)}`)];
  let tail: string;
  if (all.length > 0) {
    const other = which === 'first' ? all[0]! : all[all.length - 1]!;
    tail = `${describe(sel)} comes ${which === 'first' ? 'later' : 'earlier'}, at ${fmtAt(ctx, other)}`;
    const between = onStream.filter((i) => (which === 'first' ? i < other : i > other)).length;
    if (between > 0) tail += `, with ${plural(between, 'line')} ${which === 'first' ? 'before' : 'after'} it`;
    lines.push(ref(trace, other, 'context', `expected ${which}`));
  } else {
    const why = whyMissing(ctx, sel, { from: 0, to: trace.length });
    tail = subjectOf(sel, why.text);
    lines.push(...why.lines);
  }
  return failed(
    ctx,
    all.length > 0 ? 'violated' : 'missing',
    `expected the ${label} to be ${describe(sel)}; it is ${cite(trace, edge)}. ${capitalize(tail)}`,
    0,
    lines,
  );
}

function matchesAt(sel: LineSelector, ctx: Ctx, i: number): boolean {
  return findFrom(sel, ctx.trace, i, i + 1) === i;
}

function fmtAt(ctx: Ctx, i: number): string {
  return cite(ctx.trace, i).replace(/^.*? at /s, '');
}

export function evalFirst(ctx: Ctx, body: Body<'first'>): CheckOutcome {
  return evalEdge(ctx, body.line, 'first');
}

export function evalLast(ctx: Ctx, body: Body<'last'>): CheckOutcome {
  return evalEdge(ctx, body.line, 'last');
}

// ------------------------------------------------------------ order

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
function nextOn(ctx: Ctx, stream: LineSelector['stream'], i: number, to: number): number {
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

function orderPassMessage(ctx: Ctx, m: number[], strict: boolean): string {
  const t = ctx.trace;
  if (m.length === 1) return `found ${cite(t, m[0]!)}`;
  if (m.length === 2) return `${cite(t, m[1]!)}, ${strict ? 'right after' : 'after'} ${citeShort(t, m[0]!)}`;
  if (m.length === 3 && !strict) return `${cite(t, m[1]!)}, between ${citeShort(t, m[0]!)} and ${citeShort(t, m[2]!)}`;
  if (m.length <= 5) return `in order: ${m.map((i) => citeShort(t, i)).join(strict ? ', right after it ' : ', then ')}`;
  return `all ${m.length} in order${strict ? ' on consecutive lines' : ''}, from ${citeShort(t, m[0]!)} to ${citeShort(t, m[m.length - 1]!)}`;
}

export function evalOrder(ctx: Ctx, body: Body<'order'>): CheckOutcome {
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const { trace } = ctx;
  const sels = body.lines;
  const n = sels.length;
  if (n === 0) return passed(ctx, 'nothing to order', sc.lines);
  const m = body.strict ? matchStrict(ctx, sels, sc.range) : matchOrder(ctx, sels, sc.range);
  const matchRefs = m.map((i) => ref(trace, i, 'match'));
  if (m.length === n) return passed(ctx, `${orderPassMessage(ctx, m, body.strict)}${sc.phrase}`, [...matchRefs, ...sc.lines]);

  const j = m.length; // first element that could not be placed
  const fraction = j / n;
  const progress = n > 2 ? `; ${j} of ${n} in order` : '';
  const sel = sels[j]!;
  const used = new Set(m);

  if (j === 0) {
    const why = whyMissing(ctx, sel, sc.range);
    const what = n > 1 ? ` (the first of ${n} lines expected in order)` : '';
    return failed(ctx, 'missing', `expected ${describe(sel)}${what}${sc.phrase}; ${why.text}`, 0, [...why.lines, ...sc.lines]);
  }

  const prev = m[j - 1]!;
  if (body.strict) {
    const k = nextOn(ctx, sel.stream, prev, sc.range.to);
    const nextText = k < 0 ? `nothing follows on ${streamName(sel.stream)}` : `the next ${sel.stream === 'any' ? 'line' : `${sel.stream} line`} is ${citeShort(trace, k)}`;
    const elsewhere = findAll(sel, trace, sc.range);
    let tail: string;
    const lines = [...matchRefs];
    if (k >= 0) lines.push(ref(trace, k, 'offending', `expected ${describe(sel)} here`));
    if (elsewhere.length > 0) {
      const after = elsewhere.find((i) => i > prev) ?? elsewhere[elsewhere.length - 1]!;
      tail = `; ${describe(sel)} is at ${fmtAt(ctx, after)}`;
      lines.push(ref(trace, after, 'context', `expected right after line ${prev + 1}`));
    } else {
      const why = whyMissing(ctx, sel, sc.range, used);
      tail = `; ${subjectOf(sel, why.text)}`;
      lines.push(...why.lines);
    }
    return failed(
      ctx,
      elsewhere.length > 0 ? 'violated' : 'missing',
      `expected ${describe(sel)} right after ${citeShort(trace, prev)}${sc.phrase}; ${nextText}${tail}${progress}`,
      fraction,
      [...lines, ...sc.lines],
    );
  }

  // Non-strict: element j is not after the match of j-1. Either it never appears (in scope),
  // or it appears only before: then j-1 came too late — say so with the evidence.
  const before = findAll(sel, trace, { from: sc.range.from, to: prev });
  if (before.length === 0) {
    const why = whyMissing(ctx, sel, sc.range, used, prev);
    return failed(
      ctx,
      'missing',
      `expected ${describe(sel)} after ${citeShort(trace, prev)}${sc.phrase}; ${why.text}${progress}`,
      fraction,
      [...matchRefs, ...why.lines, ...sc.lines],
    );
  }
  const q = before[before.length - 1]!; // the closest occurrence of element j before the late line
  if (j === 1) {
    // The first element came late, or the second early. With the first element as the anchor,
    // the second is the one out of place: "expected 'done fetching' after '7'…; it came before '7'".
    const parts = [`after ${describe(sels[0]!)}`];
    if (n > 2) parts.push(`before ${describe(sels[2]!)}`);
    return failed(
      ctx,
      'violated',
      `expected ${describe(sel)} ${parts.join(' and ')}${sc.phrase}; it came at ${fmtAt(ctx, q)}, before ${citeShort(trace, prev)}${progress}`,
      fraction,
      [ref(trace, q, 'offending', `expected after line ${prev + 1}`), ref(trace, prev, 'anchor', `${describe(sels[0]!)} is here`), ...sc.lines],
    );
  }
  const late = sels[j - 1]!;
  const expectParts: string[] = [];
  if (j >= 2) expectParts.push(`after ${describe(sels[j - 2]!)}`);
  expectParts.push(`before ${describe(sel)}`);
  // The line right before the late one on its stream: the most telling context ("right after '9'").
  let justBefore = -1;
  for (let k = prev - 1; k >= sc.range.from; k--) {
    if (late.stream === 'any' || trace[k]!.stream === late.stream) {
      justBefore = k;
      break;
    }
  }
  let evidence: string;
  if (justBefore === q) evidence = `right after ${citeShort(trace, q)}`;
  else if (justBefore >= 0 && justBefore !== m[j - 2]) evidence = `right after ${citeShort(trace, justBefore)}, so after ${citeShort(trace, q)}`;
  else evidence = `after ${citeShort(trace, q)}`;
  const lines: LineRef[] = [
    ...matchRefs.slice(0, j - 1),
    ref(trace, prev, 'offending', `expected before line ${q + 1}`),
    ref(trace, q, 'anchor', `${describe(sel)} is here`),
  ];
  if (justBefore >= 0 && justBefore !== q && justBefore !== m[j - 2]) lines.push(ref(trace, justBefore, 'context'));
  return failed(
    ctx,
    'violated',
    `expected ${describe(late)} ${expectParts.join(' and ')}${sc.phrase}; it came at ${fmtAt(ctx, prev)}, ${evidence}${progress}`,
    fraction,
    [...lines, ...sc.lines],
  );
}

// ------------------------------------------------------------ group

/** Maximum matching of selectors to distinct lines (Kuhn): CHECK-DAG's matches never overlap. */
export function matchGroup(ctx: Ctx, sels: LineSelector[], range: Range): Array<number | undefined> {
  const cands = sels.map((s) => findAll(s, ctx.trace, range));
  const owner = new Map<number, number>();
  const assign: Array<number | undefined> = sels.map(() => undefined);
  const tryAssign = (s: number, seen: Set<number>): boolean => {
    for (const line of cands[s]!) {
      if (seen.has(line)) continue;
      seen.add(line);
      const o = owner.get(line);
      if (o === undefined || tryAssign(o, seen)) {
        owner.set(line, s);
        assign[s] = line;
        return true;
      }
    }
    return false;
  };
  for (let s = 0; s < sels.length; s++) tryAssign(s, new Set());
  return assign;
}

export function evalGroup(ctx: Ctx, body: Body<'group'>): CheckOutcome {
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const { trace } = ctx;
  const n = body.lines.length;
  if (n === 0) return passed(ctx, 'nothing to find', sc.lines);
  const assign = matchGroup(ctx, body.lines, sc.range);
  const found = assign.filter((a) => a !== undefined) as number[];
  const lines: LineRef[] = found.map((i) => ref(trace, i, 'match'));
  if (found.length === n) {
    const sorted = [...found].sort((a, b) => a - b);
    return passed(ctx, `all ${n} present${sc.phrase}: ${sorted.map((i) => citeShort(trace, i)).join(', ')}`, [...lines, ...sc.lines]);
  }
  const used = new Set(found);
  const missing: string[] = [];
  body.lines.forEach((sel, s) => {
    if (assign[s] !== undefined) return;
    const all = findAll(sel, trace, sc.range);
    if (all.length > 0) {
      missing.push(`${describe(sel)} matches only ${listLines(ctx, all)}, already counted for another member`);
    } else {
      const why = whyMissing(ctx, sel, sc.range, used);
      missing.push(subjectOf(sel, why.text));
      lines.push(...why.lines);
    }
  });
  return failed(
    ctx,
    'missing',
    `expected all of ${body.lines.map(describe).join(', ')}${sc.phrase}, in any order; found ${found.length} of ${n}. ${capitalize(missing.join('; '))}`,
    found.length / n,
    [...lines, ...sc.lines],
  );
}
