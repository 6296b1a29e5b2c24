/**
 * What another uid (not root, in no group) can reach, and handing the copy to the run's uid
 * without following a single link (lchown; the copy's links were checked to stay inside it).
 */

import { lchown, lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Every directory on the way has o+x, and the file itself `bits` (0o005: readable and executable). */
export async function reachableByOther(file: string, bits = 0o005): Promise<boolean> {
  try {
    const abs = path.resolve(file);
    let cur = '/';
    for (const p of abs.split(path.sep).filter(Boolean).slice(0, -1)) {
      cur = path.join(cur, p);
      if (!((await stat(cur)).mode & 0o001)) return false;
    }
    return ((await stat(abs)).mode & bits) === bits;
  } catch {
    return false;
  }
}

/** Whether another uid can read `p` (a folder: list it) through every directory on the way. */
export async function readableByOther(p: string): Promise<boolean> {
  const st = await stat(p).catch(() => null);
  if (!st) return false;
  return reachableByOther(p, st.isDirectory() ? 0o005 : 0o004);
}

/** Of `paths` (the spec files, the drivers…), those a run's unprivileged uid could read. */
export async function exposedToRuns(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of [...new Set(paths.filter(Boolean))]) if (await readableByOther(p)) out.push(p);
  return out;
}

/**
 * Besides the spec files: the folders holding the submissions (other students' originals) and
 * `--out` (reports, results of earlier batches), each named once with what it holds, when a run's
 * uid could read them. A class folder counts when it can be listed or any submission in it read.
 */
export async function exposedFolders(submissions: string[], outDir?: string): Promise<string[]> {
  const byFolder = new Map<string, string[]>();
  for (const s of new Set(submissions.map((x) => path.resolve(x)))) {
    const dir = path.dirname(s);
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), s]);
  }
  const out: string[] = [];
  for (const [dir, subs] of byFolder) {
    let readable = await readableByOther(dir);
    for (const s of subs) readable ||= await readableByOther(s);
    if (readable) out.push(`${dir} (submissions)`);
  }
  if (outDir && (await readableByOther(outDir))) out.push(`${path.resolve(outDir)} (--out: reports and results)`);
  return out;
}

/** chown the copy to `uid` without following links (the link itself changes owner, never its target). */
export async function lchownTree(dir: string, uid: number): Promise<void> {
  await lchown(dir, uid, uid);
  const st = await lstat(dir);
  if (!st.isDirectory()) return;
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) await lchownTree(p, uid);
    else await lchown(p, uid, uid);
  }
}
