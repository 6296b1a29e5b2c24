/**
 * Atomic file writes: write a temp file in the same directory, flush it, then rename it over
 * the target. A rename within one filesystem is atomic, so a reader (or an interrupted run)
 * sees either the old file or the complete new one, never a truncated file.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A hidden, unique temp name beside `file`: same filesystem, so rename is atomic. */
export function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** tempName, with `file`'s folder made. */
export async function tempBeside(file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  return tempName(file);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = await tempBeside(file);
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // The old file (a good stored result, yesterday's report) is untouched: only the temp goes.
    await rm(tmp, { force: true }).catch(() => {});
    throw new FileWriteError(file, err);
  }
}

/** A write that failed, naming the file: `could not write <file>: no space left on device (ENOSPC)`. */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  readonly code: string | undefined;
  readonly reason: string;
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason = writeReason(cause);
    super(`could not write ${file}: ${reason}`);
    this.reason = reason;
    this.code = (cause as NodeJS.ErrnoException)?.code;
  }
}

/** One file that could not be written, and why ("no space left on device"). */
export interface WriteFailure {
  file: string;
  reason: string;
}

/** A writer that wrote some of its files: which, and which not. */
export class PartialWriteError extends Error {
  override name = 'PartialWriteError';
  constructor(
    readonly written: string[],
    readonly failures: WriteFailure[],
  ) {
    super(failures.map((f) => `${f.file}: ${f.reason}`).join('; '));
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder',
  ENOTDIR: 'a parent is not a folder',
  EIO: 'input/output error',
};

/** Why a write failed, in words, with the code (`no space left on device (ENOSPC)`). */
export function writeReason(err: unknown): string {
  if (err instanceof FileWriteError) return err.reason;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return (err as Error)?.message ?? String(err);
}
