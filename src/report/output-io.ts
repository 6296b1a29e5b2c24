/**
 * The file operations under OutputSet (output.ts): a temp file written whole or in chunks, an
 * fsync by path, and a bounded number of such operations at once.
 */

import { open, rm } from 'node:fs/promises';

/** A file's content: whole, or chunks (made as they are written). */
export type Rendered = string | Uint8Array | Iterable<string> | AsyncIterable<string>;

/** fsyncs at once: enough to keep the disk's queue full, few enough for libuv's pool. */
const PARALLEL = 16;

/** `fn` over `items`, PARALLEL at a time. */
export async function each<T>(items: T[], fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/** Make `path` (a file, or a folder with flags "r") durable. */
export async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Write `body` (whole, or chunks) to the new file `tmp`; on failure the temp is removed and the error thrown. */
export async function writeTemp(tmp: string, body: Rendered): Promise<void> {
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) await fh.writeFile(body);
      else {
        // Chunks (results.json a submission at a time, read from disk as they go): written in
        // ~1 MB pieces, never joined whole.
        let buf: string[] = [];
        let size = 0;
        for await (const chunk of body) {
          buf.push(chunk);
          size += chunk.length;
          if (size >= 1 << 20) {
            await fh.writeFile(buf.join(''));
            buf = [];
            size = 0;
          }
        }
        if (buf.length) await fh.writeFile(buf.join(''));
      }
    } finally {
      await fh.close();
    }
  } catch (err) {
    // A full disk: this file is not written (the caller reports it); the others go on.
    await rm(tmp, { force: true });
    throw err;
  }
}
