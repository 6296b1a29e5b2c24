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

import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PartialWriteError, tempName, writeFileAtomic, writeReason, type WriteFailure } from './atomic.js';
import { each, fsyncPath, writeTemp, type Rendered } from './output-io.js';

export { keyOf, submissionDigest } from './output-key.js';

export type { Rendered } from './output-io.js';

interface Entry {
  key: string;
  size: number;
  mtimeMs: number;
}

/**
 * Rendered files being written while the next is rendered. Each write is five trips to libuv's
 * pool (open, write, close, …): awaited one file after another, a fresh report of 1,000
 * submissions (3,000 files) left this thread idle for ~40 % of its time.
 */
const WRITING = 8;

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
    const set = new OutputSet(outDir, manifest, previous && typeof previous === 'object' ? (previous as Record<string, Entry>) : {});
    // Whether each file is still as written, asked all at once (16 at a time): one after the
    // other, the stats of a finished run's 3,000 files were most of a `grade --resume`'s wait.
    await each(Object.keys(set.previous), async (rel) => {
      const st = await stat(join(outDir, ...rel.split('/'))).catch(() => null);
      set.found.set(rel, st ? { size: st.size, mtimeMs: st.mtimeMs } : null);
    });
    return set;
  }

  /** Size and mtime of each file in the last manifest, as found when the set was opened (null: gone). */
  private readonly found = new Map<string, { size: number; mtimeMs: number } | null>();

  /** Files written (or kept) so far, absolute. */
  readonly files: string[] = [];
  /** How many were left as they were. */
  kept = 0;

  /** Put `rel` (a '/'-separated path under outDir) with the content `render()` makes for input `key`. */
  async put(rel: string, key: string, render: () => Rendered | Promise<Rendered>, opts: { first?: boolean } = {}): Promise<string> {
    const listed = (file: string) => (opts.first ? this.files.unshift(file) : this.files.push(file));
    const file = join(this.outDir, ...rel.split('/'));
    const prev = this.previous[rel];
    if (prev && prev.key === key) {
      const st = this.found.has(rel) ? this.found.get(rel) : await stat(file).catch(() => null);
      if (st && st.size === prev.size && st.mtimeMs === prev.mtimeMs) {
        this.next[rel] = prev;
        this.kept++;
        listed(file);
        return file;
      }
    }
    const tmp = tempName(file);
    await this.folder(dirname(file));
    const body = await render();
    if (typeof body === 'string' || body instanceof Uint8Array) {
      // Written while the caller renders the next file; commit() waits for every one, and a
      // failure lands in `failures` as tryPut's would.
      while (this.writing.size >= WRITING) await Promise.race(this.writing);
      const w = writeTemp(tmp, body).then(
        () => void this.pending.push({ tmp, file, rel, key }),
        (err: unknown) => void this.failures.push({ file, reason: writeReason(err) }),
      );
      this.writing.add(w);
      void w.finally(() => this.writing.delete(w));
      listed(file);
      return file;
    }
    await writeTemp(tmp, body);
    this.pending.push({ tmp, file, rel, key });
    listed(file);
    return file;
  }

  /** Writes in flight (put's background writes). */
  private readonly writing = new Set<Promise<void>>();
  /** Folders made (or found) already: one mkdir each, not one per file. */
  private readonly folders = new Map<string, Promise<unknown>>();

  private folder(dir: string): Promise<unknown> {
    let made = this.folders.get(dir);
    if (!made) this.folders.set(dir, (made = mkdir(dir, { recursive: true })));
    return made;
  }

  /** Files that could not be written by `tryPut`, with why. */
  readonly failures: WriteFailure[] = [];

  /** `put`, but a failure is recorded (and false returned) instead of thrown: a full disk loses no other file silently. */
  async tryPut(rel: string, key: string, render: () => Rendered | Promise<Rendered>, opts: { first?: boolean } = {}): Promise<boolean> {
    try {
      await this.put(rel, key, render, opts);
      return true;
    } catch (err) {
      this.failures.push({ file: join(this.outDir, ...rel.split('/')), reason: writeReason(err) });
      return false;
    }
  }

  /** Make every file durable and visible: fsync them all, rename them into place, fsync each folder once, save the manifest. */
  async commit(): Promise<string[]> {
    // File by file: one that cannot be made durable (a full disk, a folder in its way) is
    // recorded in `failures` and left out; the others still land.
    await Promise.all(this.writing);
    const done: typeof this.pending = [];
    // Files whose background write failed are in `failures` already.
    const failed = new Set<string>(this.failures.map((f) => f.file));
    const fail = async (p: (typeof this.pending)[number], err: unknown) => {
      failed.add(p.file);
      this.failures.push({ file: p.file, reason: writeReason(err) });
      await rm(p.tmp, { force: true });
    };
    await each(this.pending, (p) => fsyncPath(p.tmp).catch((err) => fail(p, err)));
    for (const p of this.pending) {
      if (failed.has(p.file)) continue;
      try {
        await rename(p.tmp, p.file);
        done.push(p);
      } catch (err) {
        await fail(p, err);
      }
    }
    this.pending.length = 0;
    if (failed.size) this.files.splice(0, this.files.length, ...this.files.filter((f) => !failed.has(f)));
    const dirs = [...new Set(done.map((p) => dirname(p.file)))];
    // A folder cannot be opened for fsync on every platform (Windows): the files are synced already.
    await each(dirs, (d) => fsyncPath(d).catch(() => undefined));
    await each(done, async (p) => {
      const st = await stat(p.file);
      this.next[p.rel] = { key: p.key, size: st.size, mtimeMs: st.mtimeMs };
    });
    // The manifest only saves work next time: when it cannot be written, drop it (every file is
    // then rewritten next time) rather than fail a reporter whose files are in place.
    await writeFileAtomic(this.manifest, JSON.stringify(this.next) + '\n').catch(() => rm(this.manifest, { force: true }).catch(() => undefined));
    return [...this.files];
  }

  /** Remove the temp files of a set that will not be committed. */
  async abort(): Promise<void> {
    await Promise.all(this.writing);
    await Promise.all(this.pending.map((p) => rm(p.tmp, { force: true })));
    this.pending.length = 0;
  }
}

/** Open reporter `name`'s set, let `fill` put its files, then commit (or remove the temp files if `fill` fails). */
export async function writeOutputs(outDir: string, name: string, fill: (out: OutputSet) => Promise<void>): Promise<string[]> {
  const out = await OutputSet.open(outDir, name);
  try {
    await fill(out);
  } catch (err) {
    await out.abort();
    throw err;
  }
  const files = await out.commit();
  if (out.failures.length) throw new PartialWriteError(files, out.failures);
  return files;
}
