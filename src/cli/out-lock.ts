/**
 * The --out folder's lock, for every command that writes into it (grade, report, merge): two of
 * them on one folder would overwrite each other's stored results and reports.
 */

import { mkdir } from 'node:fs/promises';
import { acquireLock, LockError } from './deps-batch.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';
import { shown } from './commands/validate.js';

/** Run `body` holding `outDir`'s lock (the folder is made first); a held lock is a one-line exit 2. */
export async function withOutLock<T>(outDir: string, io: Io, body: () => Promise<T>): Promise<T> {
  try {
    // 0700: at the rlimit level a run's uid reads whatever is world-readable, results included.
    await mkdir(outDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new CliError(`cannot write reports to ${shown(io, outDir)}: ${(err as Error).message}`, EXIT.usage, 'Choose another folder with --out.');
  }
  let release: () => Promise<void>;
  try {
    release = await acquireLock(outDir);
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    throw new CliError(err.message, EXIT.usage, `Wait for it to finish, or write into another folder with --out. If it is not running any more, delete ${shown(io, err.file)}.`);
  }
  try {
    return await body();
  } finally {
    await release();
  }
}
