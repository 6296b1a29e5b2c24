/**
 * The few ELF64 facts the reader needs from the interpreter's file on the host: a symbol's
 * address (.dynsym, else .symtab), the address the file's offset 0 is linked at (for the load
 * bias), and the bytes behind a link-time address (Py_Version). Pure: bytes come through `read`,
 * so the unit tests feed small buffers. Every size is bounded; a malformed file gives null.
 */

/** Bytes of the file at [offset, offset + length), fewer at its end. */
export type ReadAt = (offset: number, length: number) => Buffer;

interface Segment { offset: number; vaddr: bigint; filesz: number }
interface Section { type: number; offset: number; size: number; link: number; entsize: number }
export interface Elf { read: ReadAt; loads: Segment[]; sections: Section[] }

const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const EM_X86_64 = 62;
/** No symbol or string table of a real libpython comes near this; a hostile file stops here. */
const MAX_TABLE = 64 << 20;

function exact(read: ReadAt, offset: number, length: number): Buffer | null {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || length > MAX_TABLE) return null;
  const b = read(offset, length);
  return b.length === length ? b : null;
}

/** Header, program and section headers of a little-endian x86-64 ELF64, or null. */
export function parseElf(read: ReadAt): Elf | null {
  const h = exact(read, 0, 64);
  if (!h || h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1 || h.readUInt16LE(18) !== EM_X86_64) return null;
  const phoff = Number(h.readBigUInt64LE(32));
  const shoff = Number(h.readBigUInt64LE(40));
  const [phentsize, phnum, shentsize, shnum] = [54, 56, 58, 60].map((o) => h.readUInt16LE(o)) as [number, number, number, number];
  if (phentsize < 56 || (shnum > 0 && shentsize < 64)) return null;
  const ph = exact(read, phoff, phentsize * phnum);
  const sh = shnum ? exact(read, shoff, shentsize * shnum) : Buffer.alloc(0);
  if (!ph || !sh) return null;
  const loads: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = ph.subarray(i * phentsize);
    if (p.readUInt32LE(0) !== PT_LOAD) continue;
    loads.push({ offset: Number(p.readBigUInt64LE(8)), vaddr: p.readBigUInt64LE(16), filesz: Number(p.readBigUInt64LE(32)) });
  }
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh.subarray(i * shentsize);
    sections.push({
      type: s.readUInt32LE(4),
      offset: Number(s.readBigUInt64LE(24)),
      size: Number(s.readBigUInt64LE(32)),
      link: s.readUInt32LE(40),
      entsize: Number(s.readBigUInt64LE(56)),
    });
  }
  return { read, loads, sections };
}

/** The link-time address of file offset 0 (0 for PIE and shared objects, 0x400000 for a classic executable). */
export function linkBase(elf: Elf): bigint | null {
  const first = elf.loads.find((s) => s.offset === 0);
  return first ? first.vaddr : null;
}

/** Defined symbols among `names` → link-time address: .dynsym first, then .symtab for the rest. */
export function findSymbols(elf: Elf, names: readonly string[]): Map<string, bigint> {
  const found = new Map<string, bigint>();
  const wanted = new Map(names.map((n) => [n, Buffer.from(`${n}\0`, 'latin1')]));
  for (const type of [SHT_DYNSYM, SHT_SYMTAB]) {
    for (const sec of elf.sections.filter((s) => s.type === type)) {
      if (found.size === wanted.size) return found;
      const strs = elf.sections[sec.link];
      const syms = sec.entsize >= 24 ? exact(elf.read, sec.offset, sec.size) : null;
      const str = strs ? exact(elf.read, strs.offset, strs.size) : null;
      if (!syms || !str) continue;
      for (let at = 0; at + 24 <= syms.length; at += sec.entsize) {
        if (syms.readUInt16LE(at + 6) === 0) continue; // SHN_UNDEF: the executable importing libpython's
        const name = syms.readUInt32LE(at);
        if (name >= str.length) continue;
        for (const [n, bytes] of wanted) {
          if (found.has(n) || str[name] !== bytes[0]) continue;
          if (str.compare(bytes, 0, bytes.length, name, name + bytes.length) === 0) found.set(n, syms.readBigUInt64LE(at + 8));
        }
      }
    }
  }
  return found;
}

/** `length` bytes stored in the file at a link-time address (initialised data only), or null. */
export function bytesAt(elf: Elf, vaddr: bigint, length: number): Buffer | null {
  for (const s of elf.loads) {
    const rel = vaddr - s.vaddr;
    if (rel >= 0n && rel + BigInt(length) <= BigInt(s.filesz)) return exact(elf.read, s.offset + Number(rel), length);
  }
  return null;
}
