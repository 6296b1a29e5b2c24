/** `uses_asyncio`, `awaited` and `created_with`: what tasks ran, how they were created and joined. */

import type { CheckOutcome } from '../types.js';
import { failed, passed, type Ctx } from '../common.js';
import { isJs, type Model } from './model.js';

export function usesAsyncio(ctx: Ctx, model: Model): CheckOutcome {
  const started = [...model.tasks.values()].filter((t) => t.steps.length > 0);
  return passed(ctx, `the program ran ${started.length} asyncio task${started.length === 1 ? '' : 's'}: ${started.map((t) => t.name).join(', ')}`);
}

export function awaited(ctx: Ctx, model: Model, name: string): CheckOutcome {
  const all = [...model.tasks.values()].filter((t) => t.name === name);
  const hit = all.find((t) => t.awaitedBy.length > 0);
  if (hit) {
    const byId = hit.awaitedBy[0]!;
    const by = model.tasks.get(byId);
    const who = by ? ` by ${by.name}` : byId === 0 ? " by the program's top-level code (outside any async function)" : '';
    return passed(ctx, `${hit.label === name ? name : `${name} (${hit.label})`} was awaited${who}`);
  }
  const direct = model.events.find((e) => e.kind === 'awaited' && e.name === name && e.by === e.task)
    ?? model.events.find((e) => e.kind === 'entered' && e.name === name && model.tasks.get(e.task)?.name !== name);
  if (direct) {
    const inTask = model.tasks.get(direct.task);
    return passed(ctx, `${name}() was awaited directly${inTask ? ` in ${inTask.name}` : ''}`);
  }
  if (all.length === 0) return failed(ctx, 'missing', `expected ${name} to be awaited, but no coroutine called ${name} ever ran.`);
  const t = all[0]!;
  if (isJs(model)) {
    const end = t.endKind === 'done' ? 'it finished, but its result was never collected' : 'it was still pending when the program ended';
    return failed(ctx, 'violated', `${name}() was called but nothing awaited the promise it returned: ${end}. Keep the promise and await it (const value = await promise), or pass it to Promise.all.`);
  }
  const fate = t.endKind === 'cancelled' ? 'it was cancelled when main() returned' : t.endKind === 'done' ? 'it finished, but its result was never collected' : 'it was still pending when the program ended';
  return failed(ctx, 'violated', `${name} ran as ${t.label} but nothing awaited it: ${fate}. Keep the task and await it (value = await task), or pass it to asyncio.gather.`);
}

function normVia(v: string): string {
  return v.toLowerCase().replace(/^asyncio\./, '').replace(/[_\s.-]/g, '');
}

export function createdWith(ctx: Ctx, model: Model, via: string, name?: string): CheckOutcome {
  const all = [...model.tasks.values()].filter((t) => t.createdMs !== undefined && t.via !== 'main' && (name === undefined || t.name === name));
  const want = normVia(via);
  const hit = all.find((t) => t.via !== undefined && normVia(t.via) === want);
  const subject = name ?? 'a task';
  if (hit) return passed(ctx, `${hit.name} (${hit.label}) was created with ${hit.via}`);
  if (all.length === 0) {
    return failed(
      ctx,
      'missing',
      name
        ? `expected ${name} to be created as a task with ${via}, but ${name} never ran as a task (awaiting ${name}() directly does not create one).`
        : `expected a task created with ${via}, but the program created no tasks besides main.`,
    );
  }
  return failed(ctx, 'violated', `expected ${subject} created with ${via}, but ${all.map((t) => `${t.name} was created with ${t.via ?? 'an unknown call'}`).join(', ')}.`);
}
