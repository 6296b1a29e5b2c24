/**
 * A Python str read from another process: only an exact str (ob_type == &PyUnicode_Type, found
 * in the interpreter's own symbols) in the compact form every code object's names use — ASCII,
 * or UCS-1/2/4 data right after the header. Anything else is rejected, never guessed at.
 */

import type { Layout } from './layout.js';
import { MAX_READ, u64, type Memory } from './memory.js';

/** Longest name or path kept; a longer one is cut (a real one is far shorter). */
export const MAX_CHARS = 512;

/** The value of a bit-field whose mask (in its 32-bit word) the layout gives. */
function field(word: number, mask: number): number {
  const low = mask & -mask; // the mask's lowest bit: dividing by it shifts the field down
  return low ? ((word & mask) >>> 0) / (low >>> 0) : 0;
}

function decode(data: Buffer, kind: number): string | null {
  if (kind === 1) return data.toString('latin1');
  if (kind === 2) return data.toString('utf16le');
  let s = '';
  for (let i = 0; i + 4 <= data.length; i += 4) {
    const cp = data.readUInt32LE(i);
    if (cp > 0x10ffff) return null;
    s += String.fromCodePoint(cp);
  }
  return s;
}

export function readPyString(mem: Memory, address: bigint, l: Layout, unicodeType: bigint): string | null {
  const u = l.unicode;
  const head = mem.read(address, u.asciiSize);
  if (!head || u64(head, l.object.type) !== unicodeType) return null;
  const length = head.readBigInt64LE(u.length);
  const state = head.readUInt32LE(u.state);
  if (length < 0n || !field(state, u.compactMask)) return null;
  const ascii = field(state, u.asciiMask) === 1;
  const kind = field(state, u.kindMask);
  if (kind !== 1 && kind !== 2 && kind !== 4) return null;
  if (ascii && kind !== 1) return null;
  const chars = Number(length > BigInt(MAX_CHARS) ? BigInt(MAX_CHARS) : length);
  if (chars * kind > MAX_READ) return null;
  if (chars === 0) return '';
  const data = mem.read(address + BigInt(ascii ? u.asciiSize : u.compactSize), chars * kind);
  return data ? decode(data, kind) : null;
}
