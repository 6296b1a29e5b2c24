/** ELF64 symbol lookup, link base and data bytes over small hand-built files (pure). */

import { describe, expect, test } from '@jest/globals';
import { bytesAt, findSymbols, linkBase, parseElf, type ReadAt } from './elf.js';

interface Sym { name: string; value: bigint; defined: boolean }

/** A string table and each name's offset in it. */
function strtab(names: string[]): { buf: Buffer; at: Map<string, number> } {
  const at = new Map<string, number>();
  let s = '\0';
  for (const n of names) {
    at.set(n, s.length);
    s += `${n}\0`;
  }
  return { buf: Buffer.from(s, 'latin1'), at };
}

function symtab(syms: Sym[], at: Map<string, number>): Buffer {
  const b = Buffer.alloc(24 * (syms.length + 1)); // entry 0 is the null symbol
  syms.forEach((s, i) => {
    const o = 24 * (i + 1);
    b.writeUInt32LE(at.get(s.name)!, o);
    b.writeUInt16LE(s.defined ? 7 : 0, o + 6);
    b.writeBigUInt64LE(s.value, o + 8);
  });
  return b;
}

/** ELF header, one PT_LOAD (offset 0 at `base`), then .dynsym/.dynstr/.symtab/.strtab and a data blob. */
function buildElf(base: bigint, dyn: Sym[], full: Sym[], data: Buffer): Buffer {
  const ds = strtab(dyn.map((s) => s.name));
  const fs = strtab(full.map((s) => s.name));
  const parts = [symtab(dyn, ds.at), ds.buf, symtab(full, fs.at), fs.buf, data];
  let off = 64 + 56;
  const offsets = parts.map((p) => ((off += p.length), off - p.length));
  const shoff = off;
  const total = shoff + 64 * 5;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(0x7f454c46, 0);
  out[4] = 2;
  out[5] = 1;
  out.writeUInt16LE(62, 18);
  out.writeBigUInt64LE(64n, 32);
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(56, 54);
  out.writeUInt16LE(1, 56);
  out.writeUInt16LE(64, 58);
  out.writeUInt16LE(5, 60);
  out.writeUInt32LE(1, 64); // PT_LOAD covering the whole file
  out.writeBigUInt64LE(0n, 64 + 8);
  out.writeBigUInt64LE(base, 64 + 16);
  out.writeBigUInt64LE(BigInt(total), 64 + 32);
  parts.forEach((p, i) => p.copy(out, offsets[i]!));
  // section 0 null; 1 .dynsym → link 2; 2 .dynstr; 3 .symtab → link 4; 4 .strtab
  const sec = (i: number, type: number, part: number, link: number, entsize: number) => {
    const o = shoff + 64 * i;
    out.writeUInt32LE(type, o + 4);
    out.writeBigUInt64LE(BigInt(offsets[part]!), o + 24);
    out.writeBigUInt64LE(BigInt(parts[part]!.length), o + 32);
    out.writeUInt32LE(link, o + 40);
    out.writeBigUInt64LE(BigInt(entsize), o + 56);
  };
  sec(1, 11, 0, 2, 24);
  sec(2, 3, 1, 0, 0);
  sec(3, 2, 2, 4, 24);
  sec(4, 3, 3, 0, 0);
  return out;
}

const reader = (b: Buffer): ReadAt => (offset, length) => b.subarray(offset, offset + length);

describe('findSymbols', () => {
  const file = buildElf(
    0x400000n,
    [
      { name: '_PyRuntime', value: 0x401000n, defined: true },
      { name: 'PyCode_Type', value: 0n, defined: false }, // imported: must not count
      { name: 'PyUnicode_Typo', value: 0x402000n, defined: true },
    ],
    [
      { name: 'PyCode_Type', value: 0x403000n, defined: true },
      { name: '_PyRuntime', value: 0xdeadn, defined: true }, // .dynsym answered first
    ],
    Buffer.alloc(0),
  );
  const elf = parseElf(reader(file))!;

  test('takes defined symbols from .dynsym, the rest from .symtab, ignores near names', () => {
    const found = findSymbols(elf, ['_PyRuntime', 'PyCode_Type', 'PyUnicode_Type']);
    expect(found.get('_PyRuntime')).toBe(0x401000n);
    expect(found.get('PyCode_Type')).toBe(0x403000n);
    expect(found.has('PyUnicode_Type')).toBe(false);
  });

  test('link base is the vaddr of the segment at offset 0', () => {
    expect(linkBase(elf)).toBe(0x400000n);
  });
});

describe('bytesAt', () => {
  test('reads initialised data by link-time address, refuses beyond the segment', () => {
    const version = Buffer.alloc(8);
    version.writeBigUInt64LE(0x030b07f0n);
    const file = buildElf(0n, [], [], version);
    const elf = parseElf(reader(file))!;
    const at = BigInt(file.indexOf(version));
    expect(bytesAt(elf, at, 8)!.readBigUInt64LE(0)).toBe(0x030b07f0n);
    expect(bytesAt(elf, BigInt(file.length) - 4n, 8)).toBeNull();
  });
});

describe('parseElf rejects what is not a little-endian x86-64 ELF64', () => {
  const good = buildElf(0n, [{ name: 'x', value: 1n, defined: true }], [], Buffer.alloc(0));
  test.each([
    ['bad magic', (b: Buffer) => b.writeUInt32BE(0x7f454c47, 0)],
    ['32-bit', (b: Buffer) => (b[4] = 1)],
    ['big-endian', (b: Buffer) => (b[5] = 2)],
    ['aarch64', (b: Buffer) => b.writeUInt16LE(183, 18)],
    ['program headers past the end', (b: Buffer) => b.writeBigUInt64LE(1n << 40n, 32)],
  ])('%s', (_what, spoil) => {
    const b = Buffer.from(good);
    spoil(b);
    expect(parseElf(reader(b))).toBeNull();
  });

  test('a truncated file', () => {
    expect(parseElf(reader(good.subarray(0, 40)))).toBeNull();
  });

  test('a symbol table whose size is absurd is skipped, not read', () => {
    const b = Buffer.from(good);
    const shoff = Number(b.readBigUInt64LE(40));
    b.writeBigUInt64LE(1n << 50n, shoff + 64 + 32);
    const elf = parseElf(reader(b))!;
    expect(findSymbols(elf, ['x']).size).toBe(0);
  });
});
