/**
 * tracegrade's own runtime dirs (runtime/python, runtime/node) as a run's uid can read them.
 * As root at the rlimit level a run has a uid of its own, which cannot enter a folder of root's
 * (a checkout or an install under /root, a 0700 temp dir): there the tracer would not load.
 * Such a dir is copied once per process into a root-owned, world-readable temp folder: the run
 * can read it and not change it, and it holds nothing but tracegrade's code.
 */

import { rmSync } from 'node:fs';
import { chmod, cp, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reachableByOther } from './sandbox/reach.js';

const staged = new Map<string, Promise<string>>();
let stageRoot: Promise<string> | null = null;

/** `dir` itself when another uid can read it, else its read-only copy. */
export function readableRuntimeDir(dir: string): Promise<string> {
  let p = staged.get(dir);
  if (!p) {
    p = (async () => {
      if (await treeReadable(dir)) return dir;
      const root = await (stageRoot ??= makeRoot());
      const to = path.join(root, String(staged.size), path.basename(dir));
      // Timestamps kept: Python trusts a shipped .pyc only while it matches its source's mtime.
      await cp(dir, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      await openUp(path.dirname(to));
      return to;
    })();
    staged.set(dir, p);
  }
  return p;
}

async function makeRoot(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tracegrade-runtime-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  await chmod(root, 0o755);
  return root;
}

/** The dir is reachable, and so is every file and folder in it. */
async function treeReadable(dir: string): Promise<boolean> {
  if (!(await reachableByOther(dir))) return false;
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory() ? !(await treeReadable(p)) : !(await reachableByOther(p, 0o004))) return false;
  }
  return true;
}

/** Folders 0755 and files 0644: readable by the run's uid, writable by root only. */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) await openUp(p);
    else if (ent.isFile()) await chmod(p, 0o644);
  }
}

/** The instrumentation with its dirs readable by the run: staged only as root at the rlimit level. */
export async function withReadableDirs<T extends { pythonPath: string[]; nodePreload?: { dir: string; file: string } }>(instr: T, stage: boolean): Promise<T> {
  if (!stage) return instr;
  const pythonPath = await Promise.all(instr.pythonPath.map(readableRuntimeDir));
  const nodePreload = instr.nodePreload && { ...instr.nodePreload, dir: await readableRuntimeDir(instr.nodePreload.dir) };
  return { ...instr, pythonPath, ...(nodePreload ? { nodePreload } : {}) };
}
