/**
 * `value`: a number (or a list of numbers) captured from a line by a regex group, and
 * assertions on it — against a constant, another line's capture, or the measured runtime.
 *
 * Units: captured values are plain numbers. The runtime reference is in **seconds** (programs
 * print "took 2.01 s"), and an absolute tolerance written as a duration is read in the same unit
 * (0.2s → 0.2), so `about: runtime, tolerance: 0.2s` means what it says. `timing.scale` widens
 * these tolerances too; at_most bounds on values are not scaled (they need not be times).
 */

import type { CheckBody } from '../../spec/types.js';
import type { TraceLine } from '../../trace/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { failed, passed, ref, resolveScope, type Ctx } from '../common.js';
import { citeShort, describe, quote, trimNumber } from '../format.js';
import { findAll, select } from '../match.js';
import { whyMissing } from '../explain/index.js';
import { capture, parseNumber } from './parse.js';
import { resolveRef, type Target } from './targets.js';
import { checkScalar, judgeList, type LineVerdict } from './judge.js';

type ValueBody = Extract<CheckBody, { kind: 'value' }>;

export function evalValue(ctx: Ctx, body: ValueBody): CheckOutcome {
  const { trace } = ctx;
  const sc = resolveScope(ctx, body.scope);
  if (!sc.ok) return sc.outcome;
  const indices = body.line.occurrence === 'every' ? findAll(body.line, trace, sc.range) : select(body.line, trace, sc.range);
  if (indices.length === 0) {
    const why = whyMissing(ctx, body.line, sc.range);
    return failed(ctx, 'missing', `expected a line matching ${describe(body.line)}${sc.phrase} to read a value from; ${why.text}`, 0, [...why.lines, ...sc.lines]);
  }
  const targets: Partial<Record<'equals' | 'atLeast' | 'atMost' | 'about', Target>> = {};
  const anchorLines: LineRef[] = [];
  for (const key of ['equals', 'atLeast', 'atMost', 'about'] as const) {
    const r = body[key];
    if (!r) continue;
    const res = resolveRef(ctx, r, body.list && key === 'equals');
    if (!res.ok) return res.outcome;
    targets[key] = res.target;
    if (res.target.line !== undefined) anchorLines.push(ref(trace, res.target.line, 'anchor', 'compared with'));
    for (const i of res.target.lines ?? []) if (!anchorLines.some((l) => l.index === i)) anchorLines.push(ref(trace, i, 'anchor', 'compared with'));
  }

  const verdicts: LineVerdict[] = indices.map((index) => {
    const line: TraceLine = trace[index]!;
    const raw = capture(body.line, body.group, line.text);
    if (raw === undefined) {
      return { index, ok: false, fraction: 0, value: '', held: '', problems: [`group ${String(body.group)} captured nothing`] };
    }
    if (body.list) return { index, ...judgeList(ctx, body, raw, targets) };
    const v = parseNumber(raw);
    const onlyString = targets.equals?.kind === 'string' && !targets.atLeast && !targets.atMost && !targets.about;
    if (v === undefined && !onlyString) {
      return { index, ok: false, fraction: 0, value: quote(raw), held: '', problems: [`captured ${quote(raw)}, which is not a number`] };
    }
    const r = checkScalar(ctx, body, v ?? NaN, raw, targets);
    return {
      index,
      ok: r.problems.length === 0,
      fraction: r.problems.length === 0 ? 1 : 0,
      value: v === undefined ? quote(raw.trim()) : trimNumber(v),
      held: r.held.join(', '),
      problems: r.problems.map((p) => p.text),
    };
  });

  const good = verdicts.filter((v) => v.ok);
  const lines = verdicts.slice(0, 20).map((v) => ref(trace, v.index, v.ok ? 'match' : 'offending', v.ok ? undefined : v.problems[0]));
  if (good.length === verdicts.length) {
    const v0 = verdicts[0]!;
    const first = `read ${v0.value} from ${citeShort(trace, v0.index)}${v0.held ? `: ${v0.held}` : ''}`;
    const msg = verdicts.length === 1 ? first : `all ${verdicts.length} lines matching ${describe(body.line)}${sc.phrase} hold; first, ${first}`;
    return passed(ctx, msg, [...lines, ...anchorLines, ...sc.lines]);
  }
  const bad = verdicts.find((v) => !v.ok)!;
  const lead = verdicts.length > 1 ? `${good.length} of ${verdicts.length} lines matching ${describe(body.line)}${sc.phrase} hold. First failure: ` : '';
  const fraction = verdicts.reduce((s, v) => s + v.fraction, 0) / verdicts.length;
  const readText = bad.value ? `read ${bad.value} from ${citeShort(trace, bad.index)}` : `on ${citeShort(trace, bad.index)}`;
  return failed(
    ctx,
    'violated',
    `${lead}${readText}: ${bad.problems.join('; ')}`,
    fraction,
    [...lines, ...anchorLines, ...sc.lines],
  );
}
