/**
 * `max_blocking: D`: no blocking call or step on the loop thread lasts longer than D, scaled by
 * `timing.scale` like every other bound. A time.sleep's duration is what it asked for, so the
 * verdict does not depend on the machine's speed; a CPU-bound step is measured in real time.
 */

import type { RunRecord } from '../../trace/types.js';
import type { CheckOutcome, LineRef } from '../types.js';
import { renderBlockingFail, renderBlockingPass } from '../explain/index.js';
import { failed, passed, ref, scaledAtMost, type Ctx } from '../common.js';
import { isJs, type Model } from './model.js';

export function maxBlocking(ctx: Ctx, model: Model, run: RunRecord, ms: number): CheckOutcome {
  const limit = scaledAtMost(ctx, ms);
  const all = model.events.filter((e) => e.kind === 'blocking');
  const over = all.filter((e) => (e.durationMs ?? 0) > limit);
  if (over.length === 0) return passed(ctx, renderBlockingPass(Math.max(0, ...all.map((e) => e.durationMs ?? 0)), limit));
  const worst = over.reduce((a, b) => ((b.durationMs ?? 0) > (a.durationMs ?? 0) ? b : a));
  const lines: LineRef[] = [];
  const li = run.trace.findIndex((l) => l.tMs >= worst.tMs);
  if (li >= 0) lines.push(ref(run.trace, li, 'context', 'printed after the loop was blocked'));
  // Task 0 is no task (code outside any: a callback, the top level): it has no name.
  const name = worst.name ?? (worst.task !== 0 ? model.tasks.get(worst.task)?.name : undefined);
  const block = { ...(name ? { name } : {}), detail: worst.detail ?? 'a blocking call', atMs: worst.tMs, durationMs: worst.durationMs ?? 0, ...(worst.site ? { site: worst.site } : {}) };
  return failed(ctx, 'violated', renderBlockingFail(block, over.length, limit, isJs(model, ctx.spec.run?.runtime)), 0, lines, [
    { fromMs: worst.tMs, toMs: worst.tMs + (worst.durationMs ?? 0), label: `loop blocked: ${block.detail}` },
  ]);
}
