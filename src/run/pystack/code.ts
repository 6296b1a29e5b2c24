/**
 * Code objects on the stack → PyFrame, validated and cached. A pointer from the child's memory
 * is accepted as a code object only if its ob_type is &PyCode_Type (the interpreter's own type
 * object, from its symbols), and its name and file only if they are exact strs. That refuses
 * stale and garbage pointers, a bytes object or any look-alike struct with another type pointer.
 * It is no proof of origin (a payload can copy the type's address, which id() shows): what keeps
 * such a payload off a stack is that the walk follows only the interpreter's own links
 * (docs/pystack.md, "What the checks prove").
 *
 * Cached by address: a second look reads the code object's head once and compares ob_type and
 * the co_name/co_filename pointers (an address can be reused after a free; a reused one with
 * the very same name and file objects would name the same function anyway).
 */

import { span, type Layout } from './layout.js';
import { i32, u64, type Memory } from './memory.js';
import { readPyString } from './pystring.js';
import type { PyFrame } from './types.js';

interface Entry { name: bigint; file: bigint; frame: PyFrame }

/** Enough for any program's hot functions; past it the cache starts over. */
const MAX_ENTRIES = 4096;

export interface TypeAddresses {
  code: bigint;
  unicode: bigint;
}

export class CodeCache {
  private readonly entries = new Map<bigint, Entry>();
  private readonly size: number;

  constructor(
    private readonly mem: Memory,
    private readonly layout: Layout,
    private readonly types: TypeAddresses,
  ) {
    const c = layout.code;
    this.size = span(layout.object.type, c.flags, c.firstLine, c.name, c.filename);
  }

  /** The code object at `address` as a frame, or null if it is not one. */
  frame(address: bigint): PyFrame | null {
    const l = this.layout;
    const head = this.mem.read(address, this.size);
    if (!head || u64(head, l.object.type) !== this.types.code) return null;
    const namePtr = u64(head, l.code.name);
    const filePtr = u64(head, l.code.filename);
    const flags = i32(head, l.code.flags);
    const firstLine = i32(head, l.code.firstLine);
    const hit = this.entries.get(address);
    if (hit && hit.name === namePtr && hit.file === filePtr) {
      const f = hit.frame;
      return f.flags === flags && f.firstLine === firstLine ? f : { ...f, flags, firstLine };
    }
    const name = readPyString(this.mem, namePtr, l, this.types.unicode);
    const file = name === null ? null : readPyString(this.mem, filePtr, l, this.types.unicode);
    if (name === null || file === null) return null;
    const frame: PyFrame = Object.freeze({ name, file, flags, firstLine, code: `0x${address.toString(16)}` });
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(address, { name: namePtr, file: filePtr, frame });
    return frame;
  }
}
