/**
 * Fake process memory for the unit tests of the validators: objects laid out with a real
 * version's offsets at chosen addresses. (Excluded from the build, like src/check/testkit.ts.)
 */

import type { Layout } from './layout.js';
import { plausiblePointer, type Memory } from './memory.js';

export class FakeMemory implements Memory {
  private readonly regions: Array<{ at: bigint; buf: Buffer }> = [];
  reads = 0;

  /** Lays `buf` at `at`, replacing what was put there before (a freed and reused address). */
  put(at: bigint, buf: Buffer): bigint {
    const old = this.regions.findIndex((r) => r.at === at);
    if (old >= 0) this.regions.splice(old, 1);
    this.regions.push({ at, buf });
    return at;
  }

  read(address: bigint, length: number): Buffer | null {
    this.reads++;
    if (!plausiblePointer(address)) return null;
    for (const r of this.regions) {
      const rel = address - r.at;
      if (rel >= 0n && rel + BigInt(length) <= BigInt(r.buf.length)) return Buffer.from(r.buf.subarray(Number(rel), Number(rel) + length));
    }
    return null;
  }
}

/** Type objects live here in the fakes; the values only have to differ. */
export const TYPES = { code: 0x10_0000n, unicode: 0x10_1000n, bytes: 0x10_2000n, frame: 0x10_3000n };

/** A compact str: kind 1 (ASCII when every char is), 2 or 4. */
export function pyString(l: Layout, text: string, opts: { type?: bigint; kind?: 1 | 2 | 4; compact?: boolean } = {}): Buffer {
  const cps = [...text].map((c) => c.codePointAt(0)!);
  const kind = opts.kind ?? (cps.every((c) => c < 0x100) ? 1 : cps.every((c) => c < 0x10000) ? 2 : 4);
  const ascii = kind === 1 && cps.every((c) => c < 0x80);
  const u = l.unicode;
  const head = ascii ? u.asciiSize : u.compactSize;
  const b = Buffer.alloc(head + (cps.length + 1) * kind);
  b.writeBigUInt64LE(opts.type ?? TYPES.unicode, l.object.type);
  b.writeBigInt64LE(BigInt(cps.length), u.length);
  const low = (m: number) => m & -m;
  const state = kind * low(u.kindMask) | (opts.compact === false ? 0 : u.compactMask) | (ascii ? u.asciiMask : 0);
  b.writeUInt32LE(state >>> 0, u.state);
  cps.forEach((c, i) => (kind === 1 ? b.writeUInt8(c, head + i) : kind === 2 ? b.writeUInt16LE(c, head + 2 * i) : b.writeUInt32LE(c, head + 4 * i)));
  return b;
}

export function codeObject(l: Layout, f: { type?: bigint; name: bigint; file: bigint; flags?: number; firstLine?: number }): Buffer {
  const b = Buffer.alloc(256);
  b.writeBigUInt64LE(f.type ?? TYPES.code, l.object.type);
  b.writeBigUInt64LE(f.name, l.code.name);
  b.writeBigUInt64LE(f.file, l.code.filename);
  b.writeInt32LE(f.flags ?? 0, l.code.flags);
  b.writeInt32LE(f.firstLine ?? 1, l.code.firstLine);
  return b;
}

/** A 3.11+ _PyInterpreterFrame. */
export function iframe(l: Layout, f: { code: bigint; previous: bigint; owner?: number }): Buffer {
  const i = l.iframe!;
  const b = Buffer.alloc(128);
  b.writeBigUInt64LE(f.code, i.code);
  b.writeBigUInt64LE(f.previous, i.previous);
  b[i.owner] = f.owner ?? 0;
  return b;
}

/** A 3.8–3.10 PyFrameObject. */
export function frameObject(l: Layout, f: { type?: bigint; code: bigint; back: bigint }): Buffer {
  const o = l.frameObject!;
  const b = Buffer.alloc(128);
  b.writeBigUInt64LE(f.type ?? TYPES.frame, l.object.type);
  b.writeBigUInt64LE(f.code, o.code);
  b.writeBigUInt64LE(f.back, o.back);
  return b;
}
