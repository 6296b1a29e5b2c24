/** `group` (CHECK-DAG): every selector matches a distinct line, in any order. */

import type { CheckBody, LineSelector } from '../../spec/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, resolveScope, type Ctx } from '../common.js';
import { citeShort, describe } from '../format.js';
import { findAll, type Range } from '../match.js';
import { capitalize, listLines, subjectOf, whyMissing } from '../explain/index.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

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
