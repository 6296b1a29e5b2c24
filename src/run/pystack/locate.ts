/**
 * Where the child's interpreter keeps _PyRuntime, and the addresses of its type objects.
 * The ELF that defines _PyRuntime is the trusted executable (a static build, like Debian's
 * python3.11) or a mapped libpython3.X.so (a shared build, like pyenv's): each candidate is a
 * file mapped at offset 0, opened on the host only as host-file.ts allows. Symbols are read
 * from the host file; the load bias comes from the mapping at file offset 0.
 */

import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bytesAt, findSymbols, linkBase } from './elf.js';
import { openHostElf, openMapped, type HostFile } from './host-file.js';
import { firstMappings, makedev, type Mapping } from './maps.js';
import { cachedProbeSync } from '../probe-cache.js';

export interface Runtime {
  /** "3.X". */
  version: string;
  /** Run-time addresses in the child. */
  runtime: bigint;
  codeType: bigint;
  unicodeType: bigint;
  frameType: bigint | null;
}

const SYMBOLS = ['_PyRuntime', 'PyCode_Type', 'PyUnicode_Type', 'PyFrame_Type', 'Py_Version'] as const;
const LIBPYTHON = /^libpython(3\.\d+)\.so(?:\.[\d.]+)?$/;

/** Symbols per file identity (host-file.ts): reading them is most of a reader's opening. */
const symbolCache = new Map<string, Map<string, bigint>>();

/**
 * In memory, and on disk in the probe cache (~10 ms of every grading process's start: a
 * libpython's symbol table is megabytes). The key is the file's identity — device, inode, size
 * and change time, which no one can set back — so a changed interpreter is read anew.
 */
function symbolsOf(file: HostFile): Map<string, bigint> {
  let syms = symbolCache.get(file.identity);
  if (!syms) {
    const hex = cachedProbeSync<Record<string, string>>('pystack-symbols', { identity: file.identity, symbols: SYMBOLS }, () => {
      const found = findSymbols(file.elf, SYMBOLS);
      return Object.fromEntries([...found].map(([k, v]) => [k, v.toString(16)]));
    }, (v) => typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string' && /^[0-9a-f]+$/.test(x)));
    syms = new Map(Object.entries(hex ?? {}).map(([k, v]) => [k, BigInt(`0x${v}`)]));
    if (symbolCache.size > 64) symbolCache.clear();
    symbolCache.set(file.identity, syms);
  }
  return syms;
}

/**
 * Read the symbols of the interpreter and of the libpython beside it now, while the child starts
 * (the parent would otherwise idle): the run's reader then finds them cached. Best effort.
 */
export function prefetchSymbols(interpreter: string): void {
  let exe: string;
  try {
    exe = realpathSync(interpreter);
  } catch {
    return;
  }
  const minor = PYTHON_NAME.exec(basename(exe))?.[1];
  const candidates = [exe, ...(minor ? [join(dirname(exe), '..', 'lib', `libpython${minor}.so.1.0`)] : [])];
  for (const p of candidates) {
    const f = openHostElf(p);
    if (!f) continue;
    try {
      symbolsOf(f);
    } finally {
      f.close();
    }
  }
}
const PYTHON_NAME = /^python(3\.\d+)$/;

/** The version: libpython's name, else Py_Version (3.11+), else the trusted interpreter's real name. */
function versionOf(file: HostFile, pyVersion: bigint | undefined, interpreter: string): string | null {
  const lib = LIBPYTHON.exec(basename(file.path))?.[1];
  const raw = pyVersion === undefined ? null : bytesAt(file.elf, pyVersion, 8);
  const hex = raw ? raw.readBigUInt64LE(0) : null;
  const fromHex = hex === null ? undefined : `${hex >> 24n}.${(hex >> 16n) & 0xffn}`;
  if (lib && fromHex && lib !== fromHex) return null;
  let fromName: string | undefined;
  try {
    fromName = PYTHON_NAME.exec(basename(realpathSync(interpreter)))?.[1];
  } catch {
    fromName = undefined;
  }
  return lib ?? fromHex ?? fromName ?? null;
}

export function locateRuntime(maps: Mapping[], interpreter: string): Runtime | { error: string } {
  let exe;
  try {
    exe = statSync(interpreter, { bigint: true });
  } catch (e) {
    return { error: `cannot stat ${interpreter}: ${(e as Error).message}` };
  }
  const starts = firstMappings(maps);
  const isExe = (m: Mapping) => makedev(m.major, m.minor) === exe.dev && m.inode === exe.ino;
  if (!starts.some(isExe)) return { error: `${interpreter} is not mapped in the process` };
  const holders: Array<{ file: HostFile; start: Mapping; syms: Map<string, bigint> }> = [];
  for (const m of starts) {
    const trusted = isExe(m);
    if (!trusted && !LIBPYTHON.test(basename(m.path))) continue;
    const file = openMapped(trusted ? interpreter : m.path, m, trusted);
    if (!file) continue;
    const syms = symbolsOf(file);
    if (syms.has('_PyRuntime')) holders.push({ file, start: m, syms });
    else file.close();
  }
  try {
    // A second mapping of one file at offset 0 (the program can mmap it itself) is ambiguous.
    if (holders.length !== 1) return { error: `${holders.length} mapped files define _PyRuntime` };
    const { file, start, syms } = holders[0]!;
    const base = linkBase(file.elf);
    if (base === null) return { error: `${file.path}: no loadable segment at offset 0` };
    const bias = start.start - base;
    const version = versionOf(file, syms.get('Py_Version'), interpreter);
    const code = syms.get('PyCode_Type');
    const unicode = syms.get('PyUnicode_Type');
    if (!version || code === undefined || unicode === undefined) return { error: `${file.path}: no version or type symbols` };
    const frame = syms.get('PyFrame_Type');
    return {
      version,
      runtime: bias + syms.get('_PyRuntime')!,
      codeType: bias + code,
      unicodeType: bias + unicode,
      frameType: frame === undefined ? null : bias + frame,
    };
  } finally {
    for (const h of holders) h.file.close();
  }
}
