/**
 * Opens, on the host, the file a child has mapped — only when it is provably that file and one
 * the child could not have written. The path comes from the child's maps (its own namespace),
 * so it is a hint: the open file's device and inode must equal the ones the kernel reports for
 * the mapping. A library found that way must also be a regular file owned by root (or by the
 * harness's own user, for a non-root harness with its own pyenv) that nobody else can write,
 * reached without a symlink: a sandboxed child runs as its own uid and cannot make one.
 * Nothing is opened through /proc/<pid>/root.
 */

import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { parseElf, type Elf, type ReadAt } from './elf.js';
import { makedev, type Mapping } from './maps.js';

export interface HostFile {
  path: string;
  elf: Elf;
  /** Device, inode, size and change time: the same file with the same contents. */
  identity: string;
  close(): void;
}

/** Does the open file `fd` hold the mapping's device and inode? */
function sameFile(fd: number, m: Mapping): { uid: bigint; mode: bigint; identity: string } | null {
  const st = fstatSync(fd, { bigint: true });
  if (!st.isFile() || st.dev !== makedev(m.major, m.minor) || st.ino !== m.inode) return null;
  return { uid: st.uid, mode: st.mode, identity: identityOf(st) };
}

function identityOf(st: { dev: bigint; ino: bigint; size: bigint; ctimeNs: bigint }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.ctimeNs}`;
}

function elfOn(fd: number): Elf | null {
  const read: ReadAt = (offset, length) => {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return n === length ? buf : buf.subarray(0, n);
  };
  return parseElf(read);
}

/**
 * A host file by path, for reading its symbols ahead of a run (locate.ts caches them by
 * `identity`): what a run later trusts is only ever a file openMapped proved to be the mapped one.
 */
export function openHostElf(path: string): HostFile | null {
  let fd = -1;
  try {
    fd = openSync(path, constants.O_RDONLY);
    const st = fstatSync(fd, { bigint: true });
    const elf = st.isFile() ? elfOn(fd) : null;
    if (!elf) {
      closeSync(fd);
      return null;
    }
    const file = fd;
    return { path, elf, identity: identityOf(st), close: () => closeSync(file) };
  } catch {
    if (fd >= 0) closeSync(fd);
    return null;
  }
}

function safeOwner(uid: bigint, mode: bigint): boolean {
  const self = BigInt(process.getuid?.() ?? 0);
  return (uid === 0n || uid === self) && (mode & 0o022n) === 0n;
}

/**
 * `path` opened read-only if it is the mapped file. `trusted`: the caller's own interpreter
 * path (may be a symlink, like pyenv's bin/python3); otherwise the strict checks above.
 */
export function openMapped(path: string, m: Mapping, trusted: boolean): HostFile | null {
  let fd = -1;
  try {
    if (!trusted && (!path.startsWith('/') || realpathSync.native(path) !== path)) return null;
    fd = openSync(path, constants.O_RDONLY | (trusted ? 0 : constants.O_NOFOLLOW));
    const st = sameFile(fd, m);
    if (!st || (!trusted && !safeOwner(st.uid, st.mode))) {
      closeSync(fd);
      return null;
    }
    const file = fd;
    const elf = elfOn(fd);
    if (!elf) {
      closeSync(fd);
      return null;
    }
    return { path, elf, identity: st.identity, close: () => closeSync(file) };
  } catch {
    if (fd >= 0) closeSync(fd);
    return null;
  }
}
