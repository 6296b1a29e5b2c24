/**
 * The submission's hash for the --resume key, taken on every `grade` before the bounded copy,
 * so it is bounded and link-safe like the copy (run/copy.ts): the submission itself is lstat'ed
 * and never followed (a submission that is a link to /root is hashed as the link; the run
 * refuses it), non-regular files are hashed by type and never opened (opening a FIFO blocks a
 * thread for good, and Node then cannot exit), regular files are opened O_NOFOLLOW|O_NONBLOCK
 * and checked to still be regular files, and the copy's limits (files, bytes, time) apply. A
 * submission over a limit gets a key that never matches a stored one: the run then refuses it
 * with the copy's own message ("submission too large: …"), so --resume never reuses a refusal.
 */

import { createHash, randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CopyLimits } from '../run/copy.js';
import { compareStrings } from './plan.js';

/** Files larger than this are hashed by size and mtime only (a submission is a few small files). */
const CONTENT_HASH_LIMIT = 4 * 1024 * 1024;
const IGNORED = new Set(['__pycache__', 'node_modules', '.git', '.tracegrade']);

export interface HashOptions {
  /** The copy's limits; none for the instructor's own files. */
  limits?: CopyLimits;
  /** Aborts the walk (SIGTERM): it rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface TreeHash {
  hash: string;
  /** Set when the walk stopped at a limit: the hash is then unique (it never matches a stored key). */
  overLimit?: string;
}

/** Hash of a file or folder tree: relative paths and contents, in sorted order. */
export async function hashTreeBounded(path: string, opts: HashOptions = {}): Promise<TreeHash> {
  const h = createHash('sha256');
  const { limits, signal } = opts;
  const until = limits ? Date.now() + limits.ms : Infinity;
  let files = 0;
  let bytes = 0;
  const over = (why: string) => ({ hash: `over-limit:${randomBytes(16).toString('hex')}`, overLimit: why });

  async function walk(p: string): Promise<string | undefined> {
    signal?.throwIfAborted();
    if (limits && ++files > limits.files) return `more than ${limits.files} files`;
    if (Date.now() > until) return `hashing took longer than ${limits!.ms} ms`;
    const rel = relative(path, p);
    // lstat: a link is hashed as its target's name, never followed (a link to '..' must not loop).
    const st = await lstat(p).catch(() => null);
    if (!st) {
      h.update(`missing:${rel}\0`);
    } else if (st.isSymbolicLink()) {
      h.update(`link:${rel}\0${await readlink(p).catch(() => '?')}\0`);
    } else if (st.isDirectory()) {
      h.update(`dir:${rel}\0`);
      const names = await readdir(p).catch(() => null);
      if (!names) h.update('unreadable\0');
      for (const n of (names ?? []).filter((x) => !IGNORED.has(x)).sort(compareStrings)) {
        const stop = await walk(join(p, n));
        if (stop) return stop;
      }
    } else if (st.isFile()) {
      bytes += st.size;
      if (limits && bytes > limits.bytes) return `more than ${limits.bytes} bytes of files`;
      h.update(`file:${rel}\0${st.size}\0${st.nlink > 1 ? 'linked\0' : ''}`);
      if (st.size > CONTENT_HASH_LIMIT) h.update(`${st.mtimeMs}\0`);
      // An unreadable file is the runner's to report (as this submission's error), not a reason to stop the batch.
      else h.update(await readRegular(p).catch(() => `unreadable:${st.mtimeMs}`));
    } else {
      // A FIFO, socket or device: by type only, never opened.
      h.update(`special:${rel}\0${st.mode & fsc.S_IFMT}\0`);
    }
    return undefined;
  }
  const stop = await walk(path);
  return stop ? over(stop) : { hash: h.digest('hex') };
}

/** A regular file's bytes; a file swapped for a link or a FIFO since the lstat is not read. */
async function readRegular(p: string): Promise<Buffer | string> {
  const fd = await open(p, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  try {
    const st = await fd.stat();
    if (!st.isFile()) return `special:${st.mode & fsc.S_IFMT}`;
    return await fd.readFile();
  } finally {
    await fd.close();
  }
}
