/**
 * The witness's judgement of one line record against the stack of the thread that wrote it
 * (pure): a claim the stack contradicts is tampering; a line printed outside any step of
 * asyncio's event loop is credited to nobody.
 */

import { CO_COROUTINE, type PyFrame, type PyThreadStack } from '../pystack/index.js';
import { quote } from './line-text.js';
import { ownFrame } from './loop-blocks.js';
import type { ChannelRecord } from './types.js';

/** The tracer sends the last 17 coroutine names of a line (outer[-16:] + coro). */
const NAMES_SENT = 17;

/** What the hello told, before the program ran: where the tracer waits, which files are whose. */
export interface Hello {
  waitCode: string;
  roots: string[];
  aio: string;
  tg: string;
}

export type LineVerdict =
  | { kind: 'stands' }
  | { kind: 'tampered'; why: string }
  /** Printed by `name` (a coroutine on the stack) but outside any event-loop step. */
  | { kind: 'uncredited'; name: string };

export function judgeLine(rec: ChannelRecord, t: PyThreadStack, h: Hello): LineVerdict {
  const user = userCoroutines(t.frames, h);
  const claimed = claimedNames(rec);
  const actual = user.map((i) => t.frames[i]!.name).reverse().slice(-NAMES_SENT);
  if (claimed.join('\u0000') !== actual.join('\u0000')) {
    const was = actual.length ? actual.join(' → ') : 'no coroutine';
    return { kind: 'tampered', why: `line ${quote(rec.x)} was reported as printed by ${claimed.join(' → ') || 'no coroutine'}, but the parent saw ${was} on that thread's stack` };
  }
  if ((rec.th === 0) !== t.main) {
    const said = rec.th === 0 ? 'the main thread' : `thread ${String(rec.th)}`;
    return { kind: 'tampered', why: `line ${quote(rec.x)} was reported from ${said}, but the parent saw it written by ${t.main ? 'the main thread' : 'another thread'}` };
  }
  if (user.length > 0 && !insideLoopStep(t.frames, user[user.length - 1]!, h)) return { kind: 'uncredited', name: t.frames[user[0]!]!.name };
  return { kind: 'stands' };
}

/** Indices (innermost first) of the program's own coroutine frames: not the interpreter's, not the tracer's. */
function userCoroutines(frames: PyFrame[], h: Hello): number[] {
  const out: number[] = [];
  frames.forEach((f, i) => {
    if (f.flags & CO_COROUTINE && ownFrame(f, h.roots)) out.push(i);
  });
  return out;
}

/** The coroutine names a line record claims, outermost first. */
function claimedNames(rec: ChannelRecord): string[] {
  if (typeof rec.coro !== 'string' || !rec.coro) return [];
  const outer = Array.isArray(rec.outer) ? rec.outer.filter((n): n is string => typeof n === 'string') : [];
  return [...outer, rec.coro].slice(-NAMES_SENT);
}

/** Whether the frames below the outermost coroutine (index `outermost`) are an asyncio event-loop step. */
function insideLoopStep(frames: PyFrame[], outermost: number, h: Hello): boolean {
  for (let i = outermost + 1; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.name === '_run_once' && f.file === `${h.aio}base_events.py`) return true;
    if (!f.file.startsWith(h.aio) && !f.file.startsWith(h.tg)) return false;
  }
  return false;
}
