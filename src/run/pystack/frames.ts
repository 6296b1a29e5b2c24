/**
 * One thread's frame chain → PyFrame[], innermost first. Three shapes:
 *  - 3.8–3.10: tstate->frame, PyFrameObject f_back/f_code; each frame object must have
 *    ob_type == &PyFrame_Type;
 *  - 3.11–3.12: tstate->cframe->current_frame, _PyInterpreterFrame previous/f_code (3.12's
 *    C-stack shim frames, owner FRAME_OWNED_BY_CSTACK, are skipped);
 *  - 3.13: tstate->current_frame, f_executable: shims (owner CSTACK, or an executable that is
 *    not a code object, e.g. None) are skipped.
 * Every code object goes through CodeCache's type checks; a chain that loops, runs past
 * MAX_STEPS or holds an unreadable or non-code frame (except 3.13's skips) is null.
 */

import type { CodeCache } from './code.js';
import { span, type Layout } from './layout.js';
import { plausiblePointer, u64, type Memory } from './memory.js';
import { MAX_FRAMES, type PyFrame } from './types.js';

/** Frames visited (kept or skipped) before the chain is taken as corrupt. */
const MAX_STEPS = 1024;

export interface FrameWalk {
  mem: Memory;
  layout: Layout;
  codes: CodeCache;
  /** &PyFrame_Type, for 3.8–3.10. */
  frameType: bigint | null;
}

/** The innermost frame pointer of the thread state whose bytes are `ts` (0n: no Python frame). */
export function innermost(w: FrameWalk, ts: Buffer): bigint | null {
  const t = w.layout.tstate;
  if (t.frame !== undefined) return u64(ts, t.frame);
  if (t.currentFrame !== undefined) return u64(ts, t.currentFrame);
  if (t.cframe === undefined || !w.layout.cframe) return null;
  const cf = u64(ts, t.cframe);
  if (cf === 0n) return 0n;
  const b = w.mem.read(cf, span(w.layout.cframe.currentFrame));
  return b ? u64(b, w.layout.cframe.currentFrame) : null;
}

export function walkFrames(w: FrameWalk, first: bigint): PyFrame[] | null {
  const l = w.layout;
  const legacy = l.frameObject;
  const iframe = l.iframe;
  const size = legacy ? span(l.object.type, legacy.back, legacy.code) : iframe ? span(iframe.previous, iframe.code, iframe.owner) : 0;
  if (!size) return null;
  const frames: PyFrame[] = [];
  const seen = new Set<bigint>();
  for (let f = first, steps = 0; f !== 0n && frames.length < MAX_FRAMES; steps++) {
    if (steps >= MAX_STEPS || seen.has(f) || !plausiblePointer(f) || f % 8n !== 0n) return null;
    seen.add(f);
    const b = w.mem.read(f, size);
    if (!b) return null;
    let code: bigint;
    let skip = false;
    if (legacy) {
      if (w.frameType === null || u64(b, l.object.type) !== w.frameType) return null;
      code = u64(b, legacy.code);
      f = u64(b, legacy.back);
    } else {
      const i = iframe!;
      code = u64(b, i.code);
      skip = b[i.owner] === i.ownerCstack;
      f = u64(b, i.previous);
    }
    if (skip) continue;
    const frame = w.codes.frame(code);
    if (frame) frames.push(frame);
    else if (l.tstate.currentFrame === undefined) return null; // only 3.13 has non-code executables
  }
  return frames;
}
