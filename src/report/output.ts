/**
 * Writing many report files fast and safely: each file is rendered only when its input
 * changed, written to a temp file beside it, then all are fsynced together, renamed into place
 * and each folder fsynced once. A reader sees the old file or the new one, never half of one.
 *
 * What was written is remembered in `<out>/.tracegrade/written-<name>.json`: per file, the key
 * of its input (a hash the reporter computes: results, options, tracegrade version) and the size
 * and mtime it was written with. A file whose key is unchanged and which is still as written is
 * neither rendered nor written again: `grade --resume` of a finished run rewrites nothing.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SubmissionResult } from '../score/types.js';
import { writeFileAtomic } from './atomic.js';

interface Entry {
  key: string;
  size: number;
  mtimeMs: number;
}

const digests = new WeakMap<SubmissionResult, string>();

/** A hash of one submission's complete result, computed once per object. */
export function submissionDigest(s: SubmissionResult): string {
  let d = digests.get(s);
  if (!d) digests.set(s, (d = createHash('sha256').update(JSON.stringify(s)).digest('base64url')));
  return d;
}

export function keyOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}

/** fsyncs at once: enough to keep the disk's queue full, few enough for libuv's pool. */
const PARALLEL = 16;

async function each<T>(items: T[], fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class OutputSet {
  private readonly pending: Array<{ tmp: string; file: string; rel: string; key: string }> = [];
  private readonly next: Record<string, Entry> = {};
  private constructor(
    readonly outDir: string,
    private readonly manifest: string,
    private readonly previous: Record<string, Entry>,
  ) {}

  /** The set of files reporter `name` writes into `outDir`. */
  static async open(outDir: string, name: string): Promise<OutputSet> {
    const manifest = join(outDir, '.tracegrade', `written-${name}.json`);
    const previous: unknown = await readFile(manifest, 'utf8')
      .then((t) => JSON.parse(t) as unknown)
      .catch(() => null);
    // A missing or damaged manifest only means every file is written again.
    return new OutputSet(outDir, manifest, previous && typeof previous === 'object' ? (previous as Record<string, Entry>) : {});
  }

  /** Files written (or kept) so far, absolute. */
  readonly files: string[] = [];
  /** How many were left as they were. */
  kept = 0;

  /** Put `rel` (a '/'-separated path under outDir) with the content `render()` makes for input `key`. */
  async put(rel: string, key: string, render: () => string | Uint8Array): Promise<string> {
    const file = join(this.outDir, ...rel.split('/'));
    const prev = this.previous[rel];
    if (prev && prev.key === key) {
      const st = await stat(file).catch(() => null);
      if (st && st.size === prev.size && st.mtimeMs === prev.mtimeMs) {
        this.next[rel] = prev;
        this.kept++;
        this.files.push(file);
        return file;
      }
    }
    const dir = dirname(file);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const fh = await open(tmp, 'w', 0o644);
      try {
        await fh.writeFile(render());
      } finally {
        await fh.close();
      }
    } catch (err) {
      // A full disk: this file is not written (the caller reports it); the others go on.
      await rm(tmp, { force: true });
      throw err;
    }
    this.pending.push({ tmp, file, rel, key });
    this.files.push(file);
    return file;
  }

  /** Make every file durable and visible: fsync them all, rename them into place, fsync each folder once, save the manifest. */
  async commit(): Promise<string[]> {
    try {
      await each(this.pending, (p) => fsyncPath(p.tmp));
      for (const p of this.pending) await rename(p.tmp, p.file);
    } catch (err) {
      await this.abort();
      throw err;
    }
    const dirs = [...new Set(this.pending.map((p) => dirname(p.file)))];
    // A folder cannot be opened for fsync on every platform (Windows): the files are synced already.
    await each(dirs, (d) => fsyncPath(d).catch(() => undefined));
    await each(this.pending, async (p) => {
      const st = await stat(p.file);
      this.next[p.rel] = { key: p.key, size: st.size, mtimeMs: st.mtimeMs };
    });
    this.pending.length = 0;
    await writeFileAtomic(this.manifest, JSON.stringify(this.next) + '\n');
    return this.files;
  }

  /** Remove the temp files of a set that will not be committed. */
  async abort(): Promise<void> {
    await Promise.all(this.pending.map((p) => rm(p.tmp, { force: true })));
    this.pending.length = 0;
  }
}
