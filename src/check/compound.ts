/**
 * `all` / `any`: a check made of several constructs. Each part is evaluated like a check of its
 * own on the same run; `all` holds when every part does, `any` when one does. The outcome keeps
 * every part's evidence (lines, windows) and names the failing part (explain/compound.ts).
 */

import type { CheckBody } from '../spec/types.js';
import { defaultTitle } from '../spec/title.js';
import type { CheckOutcome } from './types.js';
import { failed, passed, type Ctx } from './common.js';
import { renderAllFail, renderAllPass, renderAnyFail, renderAnyPass, type PartEvidence } from './explain/compound.js';

type Compound = Extract<CheckBody, { kind: 'all' | 'any' }>;
export type BodyEvaluator = (ctx: Ctx, body: CheckBody) => CheckOutcome;

/** A part's credit: 1 when it holds, its fraction when it fails. */
const credit = (o: CheckOutcome) => (o.status === 'passed' ? 1 : o.status === 'skipped' ? 0 : o.fraction);

export function evalCompound(ctx: Ctx, body: Compound, evaluate: BodyEvaluator): CheckOutcome {
  const parts: PartEvidence[] = body.parts.map((p, i) => ({ n: i + 1, title: defaultTitle(p), outcome: evaluate(ctx, p) }));
  const ok = parts.filter((p) => p.outcome.status === 'passed');
  const lines = (ps: PartEvidence[]) => ps.flatMap((p) => p.outcome.lines).slice(0, 60);
  const windows = (ps: PartEvidence[]) => ps.flatMap((p) => p.outcome.windows).slice(0, 500);
  if (body.kind === 'all') {
    if (ok.length === parts.length) return passed(ctx, renderAllPass(parts), lines(parts), windows(parts));
    const bad = parts.filter((p) => p.outcome.status !== 'passed');
    const fraction = parts.reduce((s, p) => s + credit(p.outcome), 0) / parts.length;
    return failed(ctx, bad[0]!.outcome.category ?? 'violated', renderAllFail(parts), fraction, lines([...bad, ...ok]), windows(parts));
  }
  if (ok.length > 0) return passed(ctx, renderAnyPass(parts, ok[0]!), ok[0]!.outcome.lines, ok[0]!.outcome.windows);
  const fraction = Math.max(...parts.map((p) => credit(p.outcome)));
  return failed(ctx, parts[0]!.outcome.category ?? 'violated', renderAnyFail(parts), fraction, lines(parts), windows(parts));
}
