/**
 * A fresh work dir per run: the submission is copied in (its original is never written or
 * reachable from the sandbox), instructor files beside it, the instructor winning a clash.
 */

import { constants as fsc } from 'node:fs';
import { access, chmod, cp, lstat, mkdir, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSettings } from '../spec/types.js';
import { boundedCopy, copyLimits, CopyRefused, type CopyLimits } from './copy.js';

export interface WorkDir {
  /** Temp root that holds everything of this run (removed by cleanup). */
  root: string;
  /** The copy: submission + instructor files. */
  dir: string;
  /** Scratch dir for TMPDIR at the weaker levels. */
  tmp: string;
  /** Entry file, relative to `dir`, when the runtime has one. */
  entry?: string;
  /** Total bytes copied (sizes the sandbox's work-dir tmpfs). */
  bytes: number;
  cleanup(): Promise<void>;
}

/** The submission cannot be run; the message names it and says what is wrong. */
export class SubmissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionError';
  }
}

function defaultEntry(runtime: RunSettings['runtime']): string | undefined {
  if (runtime === 'python') return 'main.py';
  if (runtime === 'node') return 'main.js';
  return undefined;
}

/** Make the work dir for one run. Throws SubmissionError (only) for problems of the submission. */
export async function prepareWorkDir(submission: string, settings: RunSettings, limits?: Partial<CopyLimits>): Promise<WorkDir> {
  const abs = path.resolve(submission);
  let st;
  try {
    st = await lstat(abs);
  } catch (e) {
    throw new SubmissionError(`submission ${abs} does not exist or cannot be read (${errCode(e)})`);
  }
  if (st.isSymbolicLink()) {
    // Graded as its target, a link hands the run another student's work, or all of /root.
    const to = await readlink(abs).catch(() => '?');
    throw new SubmissionError(`submission ${abs} is a symbolic link (to ${to}): refused; grade the folder it points to by its own path`);
  }
  // Everything of the run lives under a root-only temp dir (mkdtemp: 0700); the sandbox
  // level opens up only what the run's own uid needs.
  const root = await mkdtemp(path.join(os.tmpdir(), 'tracegrade-run-'));
  const dir = path.join(root, 'work');
  const tmp = path.join(root, 'tmp');
  const cleanup = () => rm(root, { recursive: true, force: true, maxRetries: 3 });
  try {
    await mkdir(tmp, { mode: 0o700 });
    const entry = settings.entry ?? defaultEntry(settings.runtime);
    const instructorNames = new Set(settings.files.map((f) => path.basename(f)));
    let bytes = 0;
    if (st.isDirectory()) {
      const names = await readdir(abs).catch((e) => {
        throw new SubmissionError(`submission folder ${abs} cannot be read (${errCode(e)})`);
      });
      if (names.length === 0) throw new SubmissionError(`submission folder ${abs} is empty`);
      bytes = await copyIn(abs, dir, abs, limits);
    } else if (st.isFile()) {
      await access(abs, fsc.R_OK).catch((e) => {
        throw new SubmissionError(`submission file ${abs} cannot be read (${errCode(e)})`);
      });
      // A single file is the entry whatever its name — unless the instructor ships the entry
      // (a driver importing the student's module): then it keeps its own name.
      const name = entry && !instructorNames.has(entry) ? entry : path.basename(abs);
      await mkdir(dir, { mode: 0o755 });
      bytes = await copyIn(abs, path.join(dir, name), abs, limits);
    } else {
      throw new SubmissionError(`submission ${abs} is neither a file nor a folder`);
    }
    for (const f of settings.files) {
      // Instructor files are the spec's business: a missing one is a spec error, reported per run too.
      try {
        const to = path.join(dir, path.basename(f));
        await rm(to, { recursive: true, force: true }); // a student's file (or link) of that name: never written through
        await cp(f, to, { recursive: true, force: true, verbatimSymlinks: true });
      } catch (e) {
        throw new SubmissionError(`instructor file ${f} (run.files) cannot be copied (${errCode(e)}); fix the spec`);
      }
    }
    if (entry) {
      const ep = path.join(dir, entry);
      const est = await lstat(ep).catch(() => null);
      if (!est) {
        const listing = (await readdir(dir)).slice(0, 8).join(', ');
        throw new SubmissionError(`entry ${entry} not found in submission ${abs} (it has: ${listing || 'nothing'}); name the file ${entry} or set run.entry`);
      }
      if (!est.isFile()) throw new SubmissionError(`entry ${entry} in submission ${abs} is not a regular file`);
    }
    if (settings.runtime === 'command' && entry) await chmod(path.join(dir, entry), 0o755); // a submission that is itself the program
    bytes += await duSize(dir, instructorNames);
    return { root, dir, tmp, entry, bytes, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function copyIn(src: string, dest: string, shown: string, limits?: Partial<CopyLimits>): Promise<number> {
  try {
    return (await boundedCopy(src, dest, copyLimits(limits))).bytes;
  } catch (e) {
    if (e instanceof CopyRefused) throw new SubmissionError(`${e.message} (in ${shown})`);
    const where = (e as { path?: string }).path ?? shown;
    throw new SubmissionError(`submission ${shown} cannot be copied: ${where} is unreadable (${errCode(e)})`);
  }
}

/** Bytes of the instructor's files in the copy (the submission's were counted as copied). */
async function duSize(dir: string, names: Set<string>): Promise<number> {
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isDirectory()) for (const n of await readdir(p)) await walk(path.join(p, n));
    else if (st.isFile()) total += st.size;
  };
  for (const n of names) await walk(path.join(dir, n)).catch(() => {});
  return total;
}

function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? err?.message ?? String(e);
}
