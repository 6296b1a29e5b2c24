/**
 * Which mapped files the reader opens on the host (src/run/pystack/host-file.ts, locate.ts),
 * with real files and a real process: a library is read only when it is the very file mapped
 * (device and inode), reached without a symlink, and nobody but root or the harness can write
 * it; and a process that maps a second copy of libpython is refused, not guessed at.
 */

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, copyFileSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openMapped } from '../src/run/pystack/host-file.js';
import { openPyStackReader } from '../src/run/pystack/index.js';
import type { Mapping } from '../src/run/pystack/maps.js';
import { needs, pathOf } from './facilities.js';
import { release, removeScriptDirs, startChild } from './pystack-helpers.js';

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'tg-pystack-lib-')));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeScriptDirs();
});

/** A maps entry for `file` as the kernel would print it (major:minor from st_dev). */
function mappingOf(file: string): Mapping {
  const st = statSync(file, { bigint: true });
  const major = Number(((st.dev >> 8n) & 0xfffn) | ((st.dev >> 32n) & ~0xfffn));
  const minor = Number((st.dev & 0xffn) | ((st.dev >> 12n) & ~0xffn));
  return { start: 0x7f0000000000n, end: 0x7f0000100000n, perms: 'r--p', offset: 0n, major, minor, inode: st.ino, path: file };
}

needs('python3.12').describe('openMapped', () => {
  const copy = path.join(dir, 'libpython3.12.so.1.0');
  beforeAll(() => {
    // pyenv's shared build: bin/python3 → ../lib/libpython3.12.so.1.0
    const lib = path.join(path.dirname(path.dirname(realpathSync(pathOf('python3.12')))), 'lib', 'libpython3.12.so.1.0');
    copyFileSync(lib, copy);
    chmodSync(copy, 0o644);
  });

  test('the mapped file itself, owned by root or us and not writable by others, is opened', () => {
    const f = openMapped(copy, mappingOf(copy), false);
    expect(f?.elf.loads.length).toBeGreaterThan(0);
    f?.close();
  });

  test('a file that others can write is refused', () => {
    chmodSync(copy, 0o666);
    try {
      expect(openMapped(copy, mappingOf(copy), false)).toBeNull();
    } finally {
      chmodSync(copy, 0o644);
    }
  });

  test('a path through a symlink is refused, even to the right file', () => {
    const link = path.join(dir, 'libpython3.12.so');
    symlinkSync(copy, link);
    expect(openMapped(link, mappingOf(copy), false)).toBeNull();
  });

  test('another file at the mapped path (another inode) is refused', () => {
    expect(openMapped(copy, { ...mappingOf(copy), inode: mappingOf(copy).inode + 1n }, false)).toBeNull();
  });

  test('a process that maps a second libpython defining _PyRuntime is refused, not guessed at', async () => {
    const exe = pathOf('python3.12');
    const child = await startChild(exe, ['-c', `import ctypes; ctypes.CDLL(${JSON.stringify(copy)}); print("ready", flush=True); input()`]);
    try {
      const r = openPyStackReader(child.pid!, exe);
      expect(r).toEqual({ error: '2 mapped files define _PyRuntime' });
    } finally {
      expect(await release(child)).toBe(0);
    }
  });
});
