/**
 * Stored results are sealed: an HMAC-SHA256 over each file's content with a per-output-folder
 * secret, so a result rewritten by anyone without the secret (a submission at a weak sandbox
 * level that found the store) fails verification, and --resume grades it again with a warning.
 * The secret lives in `<out>/.tracegrade/key`, mode 0600 in a 0700 folder, owned by the grader:
 * a run under another uid (root grading at the rlimit level, bwrap) cannot read it. A run under
 * the grader's own uid (the `none` level, or rlimit as a normal user) can: see docs/sandbox.md.
 * The shards of a CI matrix share one secret instead (TRACEGRADE_STORE_KEY, a CI secret).
 */

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export function keyPath(outDir: string): string {
  return join(outDir, '.tracegrade', 'key');
}

/** The folder's secret, created (O_EXCL, 0600) on first use; or derived from a given one (shards of a matrix). */
export async function storeSecret(outDir: string, given?: string): Promise<Buffer> {
  if (given) return createHash('sha256').update(`tracegrade-seal\0${given}`).digest();
  const dir = join(outDir, '.tracegrade');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700).catch(() => {}); // an older folder made with the default mode
  const file = keyPath(outDir);
  try {
    const fh = await open(file, 'wx', 0o600);
    const secret = randomBytes(32);
    try {
      await fh.writeFile(secret.toString('hex'));
      await fh.sync();
    } finally {
      await fh.close();
    }
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const hex = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is not a tracegrade key (delete it: every stored result will be graded again)`);
  return Buffer.from(hex, 'hex');
}

export function seal(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function verifySeal(secret: Buffer, body: string, mac: unknown): boolean {
  if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(seal(secret, body), 'hex'), Buffer.from(mac, 'hex'));
}
