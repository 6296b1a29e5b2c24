/**
 * openPyStackReader: every thread of a live CPython 3.8–3.13 and its Python stack, read from
 * outside like py-spy (docs/pystack.md). The parent calls threads() while the child's thread
 * waits for its answer; other threads may run meanwhile, so a read that fails a check is tried
 * again a few times, then null. Nothing here throws to the caller.
 */

import { readFileSync } from 'node:fs';
import { CodeCache } from './code.js';
import { checkDebugOffsets } from './debug-offsets.js';
import { innermost, walkFrames, type FrameWalk } from './frames.js';
import { layoutFor, span, type Layout } from './layout.js';
import { locateRuntime, type Runtime } from './locate.js';
import { parseMaps } from './maps.js';
import { plausiblePointer, ProcMemory, u64 } from './memory.js';
import type { PyFrame, PyStackReader, PyThreadStack } from './types.js';

/** More threads than this is taken as a corrupt list. */
const MAX_THREADS = 1024;
/** Attempts at the whole thread list (threads may start or end meanwhile). */
const ATTEMPTS = 3;
/** Attempts at one thread's frames: ≤ 0.22^8 ≈ 5e-6 that a running thread defeats them all. */
const THREAD_ATTEMPTS = 8;

/**
 * One thread, retried on its own: a thread that runs Python while we read pushes and pops
 * frames under us (measured with a thread spinning in recursive calls: 16–22 % of single reads
 * of it meet a freed or half-built frame), and a blocked thread reads the same every time.
 */
function readThread(w: FrameWalk, ts: bigint, size: number, interp: bigint): { threadId: bigint; next: bigint; frames: PyFrame[] } | null {
  const t = w.layout.tstate;
  for (let n = 0; n < THREAD_ATTEMPTS; n++) {
    const b = w.mem.read(ts, size);
    if (!b || u64(b, t.interp) !== interp) return null; // not a thread state of this interpreter
    const threadId = u64(b, t.threadId);
    const next = u64(b, t.next);
    const first = innermost(w, b);
    const frames = first === null ? null : walkFrames(w, first);
    if (frames) return { threadId, next, frames };
  }
  return null;
}

function readOnce(w: FrameWalk, rt: Runtime): PyThreadStack[] | null {
  const l: Layout = w.layout;
  const r = w.mem.read(rt.runtime, span(l.runtime.interpretersMain, l.runtime.mainThread));
  if (!r) return null;
  const mainThread = u64(r, l.runtime.mainThread);
  // The main interpreter, not interpreters.head: a subinterpreter the program makes becomes
  // the head, and its thread states would stand in for the main interpreter's.
  const interp = u64(r, l.runtime.interpretersMain);
  // Read just the list head: 3.13's PyInterpreterState puts it past 7 KiB.
  const i = plausiblePointer(interp) ? w.mem.read(interp + BigInt(l.interp.threadsHead), 8) : null;
  if (!i) return null;
  const out: PyThreadStack[] = [];
  const t = l.tstate;
  const size = span(t.interp, t.next, t.threadId, t.frame ?? 0, t.cframe ?? 0, t.currentFrame ?? 0);
  for (let ts = u64(i, 0); ts !== 0n; ) {
    if (out.length >= MAX_THREADS || !plausiblePointer(ts)) return null;
    const got = readThread(w, ts, size, interp);
    if (!got) return null;
    out.push({ threadId: got.threadId.toString(), main: got.threadId === mainThread, frames: got.frames });
    ts = got.next;
  }
  return out;
}

function locate(pid: number, interpreter: string, mem: ProcMemory): { rt: Runtime; layout: Layout } | { error: string } {
  let maps;
  try {
    maps = parseMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'));
  } catch (e) {
    return { error: `cannot read /proc/${pid}/maps: ${(e as Error).message}` };
  }
  const rt = locateRuntime(maps, interpreter);
  if ('error' in rt) return rt;
  const layout = layoutFor(rt.version);
  if (!layout) return { error: `no struct layout for Python ${rt.version}` };
  const mismatch = checkDebugOffsets(mem, rt.runtime, layout);
  return mismatch ? { error: mismatch } : { rt, layout };
}

export function openPyStackReader(pid: number, interpreter: string): PyStackReader | { error: string } {
  try {
    return open(pid, interpreter);
  } catch (e) {
    return { error: `cannot read Python stacks of ${pid}: ${(e as Error).message}` };
  }
}

function open(pid: number, interpreter: string): PyStackReader | { error: string } {
  // Memory first, maps second: /proc/<pid>/mem holds the address space it was opened on, so if
  // the process execs (or dies and its pid is reused) after this, every read fails; if before,
  // the maps read below already describe the new one.
  const mem = ProcMemory.open(pid);
  if ('error' in mem) return mem;
  let found: ReturnType<typeof locate> = { error: 'not located' };
  try {
    found = locate(pid, interpreter, mem);
  } finally {
    if ('error' in found) mem.close();
  }
  if ('error' in found) return found;
  const { rt, layout } = found;
  const codes = new CodeCache(mem, layout, { code: rt.codeType, unicode: rt.unicodeType });
  const walk: FrameWalk = { mem, layout, codes, frameType: rt.frameType };
  return {
    version: rt.version,
    threads() {
      try {
        for (let n = 0; n < ATTEMPTS; n++) {
          const got = readOnce(walk, rt);
          if (got) return got;
        }
      } catch {
        // a malformed value (e.g. a bad offset in a hostile struct): the read is not valid
      }
      return null;
    },
    close: () => mem.close(),
  };
}
