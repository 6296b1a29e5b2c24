/**
 * 3.13+ starts _PyRuntime with _Py_DebugOffsets: the cookie "xdebugpy", PY_VERSION_HEX, and the
 * offsets of the fields a debugger needs, as this very build has them. layouts.json lists, for
 * each field we use, where its offset sits in that struct and the value our headers gave, so a
 * live process that disagrees (a later patch release that moved a field, or an address that is
 * not _PyRuntime at all) is refused instead of misread.
 */

import type { Layout } from './layout.js';
import { u64, type Memory } from './memory.js';

const COOKIE = 'xdebugpy';

/** null when the process agrees with the layout (or the version has no debug offsets), else why not. */
export function checkDebugOffsets(mem: Memory, runtime: bigint, layout: Layout): string | null {
  const pairs = layout.debugOffsets;
  if (!pairs?.length) return null;
  const size = Math.max(16, ...pairs.map(([at]) => at + 8));
  const b = mem.read(runtime, size);
  if (!b) return `cannot read _Py_DebugOffsets at 0x${runtime.toString(16)}`;
  if (b.toString('latin1', 0, 8) !== COOKIE) return `no _Py_DebugOffsets cookie at _PyRuntime (0x${runtime.toString(16)})`;
  const hex = u64(b, 8);
  const version = `${hex >> 24n}.${(hex >> 16n) & 0xffn}`;
  if (version !== layout.version) return `_Py_DebugOffsets says Python ${version}, the layout is ${layout.version}`;
  for (const [at, want] of pairs) {
    const got = u64(b, at);
    if (got !== BigInt(want)) return `_Py_DebugOffsets at +${at} is ${got}, the layout has ${want}: another build of ${layout.version}`;
  }
  return null;
}
