/**
 * The bounded, link-safe copy of a submission into the run's work dir. Nothing is followed:
 * files are opened O_NOFOLLOW, links are copied verbatim and judged afterwards on the copy
 * (root-owned, nothing of the student runs yet, so no race), and bytes, files and time are capped
 * as the copy goes — a 1 GiB sparse file or 100k small files end it early with a clear message.
 */

import { constants as fsc } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, formatMs } from './limits.js';

export interface CopyLimits {
  /** Bytes written into the copy (apparent size: a sparse file counts as what reading it gives). */
  bytes: number;
  files: number;
  ms: number;
}

export const DEFAULT_COPY_LIMITS: Readonly<CopyLimits> = Object.freeze({ bytes: 64 * 1048576, files: 10_000, ms: 20_000 });

const ENV: Record<keyof CopyLimits, string> = {
  bytes: 'TRACEGRADE_SUBMISSION_MAX_BYTES',
  files: 'TRACEGRADE_SUBMISSION_MAX_FILES',
  ms: 'TRACEGRADE_SUBMISSION_COPY_MS',
};

/** Defaults, then the environment (the instructor's), then the caller's. */
export function copyLimits(over: Partial<CopyLimits> = {}): CopyLimits {
  const out = { ...DEFAULT_COPY_LIMITS };
  for (const k of Object.keys(ENV) as (keyof CopyLimits)[]) {
    const v = Number(process.env[ENV[k]]);
    if (Number.isFinite(v) && v > 0) out[k] = v;
    if (over[k] !== undefined && over[k]! > 0) out[k] = over[k]!;
  }
  return out;
}

/** Thrown for what the submission did wrong; the runner turns it into a SubmissionError. */
export class CopyRefused extends Error {}

const tooLarge = (what: string, limit: string, key: keyof CopyLimits) =>
  new CopyRefused(`submission too large: ${what} (limit ${limit}; raise it with ${ENV[key]}=…)`);

const hardLinked = (rel: string, n: number) =>
  `submission file ${rel} is a hard link (it has ${n} names; its other name may be any file of the host, such as /etc/shadow): refused; copy the file instead of linking it (cp, not ln)`;

/** Copy `src` (file or folder, never a link) to `dest`; returns the bytes written. */
export async function boundedCopy(src: string, dest: string, limits: CopyLimits): Promise<{ bytes: number; files: number }> {
  const state = { bytes: 0, files: 0, until: Date.now() + limits.ms, links: [] as string[] };
  const buf = Buffer.allocUnsafe(1 << 16);
  const tick = (rel: string) => {
    if (++state.files > limits.files) throw tooLarge(`more than ${limits.files} files`, `${limits.files} files`, 'files');
    if (Date.now() > state.until) throw tooLarge(`copying took longer than ${formatMs(limits.ms)} (at ${rel})`, formatMs(limits.ms), 'ms');
  };

  const copyFile = async (from: string, to: string, rel: string) => {
    // O_NOFOLLOW: a file swapped for a link after the listing is refused, not followed.
    const fd = await open(from, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    try {
      const st = await fd.stat();
      if (!st.isFile()) throw new CopyRefused(`submission entry ${rel} is not a regular file, folder or link (a device, pipe or socket)`);
      // A hard link's other name may be any file of the same filesystem (/etc/shadow): root's read would hand it over.
      if (st.nlink > 1) throw new CopyRefused(hardLinked(rel, st.nlink));
      // No setuid/setgid/sticky bits in the copy.
      const out = await open(to, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, st.mode & 0o777);
      try {
        for (;;) {
          const { bytesRead } = await fd.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          state.bytes += bytesRead;
          if (state.bytes > limits.bytes) {
            const sparse = st.blocks * 512 < st.size ? `, sparse: ${formatBytes(st.blocks * 512)} allocated` : '';
            throw tooLarge(`more than ${formatBytes(limits.bytes)} of files (${rel} is ${formatBytes(st.size)}${sparse})`, formatBytes(limits.bytes), 'bytes');
          }
          await out.write(buf, 0, bytesRead);
        }
      } finally {
        await out.close();
      }
    } finally {
      await fd.close();
    }
  };

  const walk = async (from: string, to: string, rel: string): Promise<void> => {
    tick(rel);
    const st = await lstat(from);
    if (st.isSymbolicLink()) {
      await symlink(await readlink(from), to);
      state.links.push(rel);
    } else if (st.isDirectory()) {
      await mkdir(to, { mode: 0o755 });
      for (const name of (await readdir(from)).sort()) await walk(path.join(from, name), path.join(to, name), rel ? `${rel}/${name}` : name);
    } else if (st.isFile()) {
      await copyFile(from, to, rel || path.basename(from));
    } else {
      // Never opened: opening a device or a FIFO can block or act.
      throw new CopyRefused(`submission entry ${rel || path.basename(from)} is not a regular file, folder or link (a device, pipe or socket)`);
    }
  };
  const top = await lstat(src);
  if (top.isDirectory()) {
    await mkdir(dest, { recursive: true, mode: 0o755 });
    for (const name of (await readdir(src)).sort()) await walk(path.join(src, name), path.join(dest, name), name);
  } else {
    await walk(src, dest, '');
  }
  await checkLinks(dest, top.isDirectory() ? dest : path.dirname(dest), state.links);
  return { bytes: state.bytes, files: state.files };
}

/**
 * A link is kept only when it resolves (in the copy, through every link on the way) to
 * something inside the copy; otherwise the submission is refused, naming the link.
 */
async function checkLinks(dest: string, base: string, links: string[]): Promise<void> {
  const realBase = await realpath(base);
  for (const rel of links) {
    const p = rel ? path.join(dest, rel) : dest;
    const target = await readlink(p);
    const shown = `${rel || path.basename(dest)} -> ${target}`;
    if (path.isAbsolute(target)) throw new CopyRefused(`submission link ${shown} is absolute; only relative links inside the submission are allowed`);
    let real: string;
    try {
      real = await realpath(p);
    } catch {
      throw new CopyRefused(`submission link ${shown} points to nothing inside the submission; remove it or make it point to a file of the submission`);
    }
    if (real !== realBase && !real.startsWith(realBase + path.sep)) {
      throw new CopyRefused(`submission link ${shown} points outside the submission; only links to files of the submission are allowed`);
    }
  }
}
