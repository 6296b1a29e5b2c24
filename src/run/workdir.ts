/**
 * A fresh work dir per run: the submission is copied in (its original is never written or
 * reachable from the sandbox), instructor files beside it, the instructor winning a clash.
 */

import { constants as fsc } from 'node:fs';
import { access, cp, lstat, mkdir, mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSettings } from '../spec/types.js';

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
export async function prepareWorkDir(submission: string, settings: RunSettings): Promise<WorkDir> {
  let abs = path.resolve(submission);
  let st;
  try {
    st = await stat(abs);
    abs = await realpath(abs); // the user named it; copy what it points to
  } catch (e) {
    throw new SubmissionError(`submission ${abs} does not exist or cannot be read (${errCode(e)})`);
  }
  const root = await mkdtemp(path.join(os.tmpdir(), 'tracegrade-run-'));
  const dir = path.join(root, 'work');
  const tmp = path.join(root, 'tmp');
  const cleanup = () => rm(root, { recursive: true, force: true, maxRetries: 3 });
  try {
    await mkdir(dir, { mode: 0o755 });
    await mkdir(tmp, { mode: 0o1777 });
    const entry = settings.entry ?? defaultEntry(settings.runtime);
    const instructorNames = new Set(settings.files.map((f) => path.basename(f)));
    if (st.isDirectory()) {
      const names = await readdir(abs).catch((e) => {
        throw new SubmissionError(`submission folder ${abs} cannot be read (${errCode(e)})`);
      });
      if (names.length === 0) throw new SubmissionError(`submission folder ${abs} is empty`);
      await copyIn(abs, dir, abs);
    } else if (st.isFile()) {
      await access(abs, fsc.R_OK).catch((e) => {
        throw new SubmissionError(`submission file ${abs} cannot be read (${errCode(e)})`);
      });
      // A single file is the entry whatever its name — unless the instructor ships the entry
      // (a driver importing the student's module): then it keeps its own name.
      const name = entry && !instructorNames.has(entry) ? entry : path.basename(abs);
      await copyIn(abs, path.join(dir, name), abs);
    } else {
      throw new SubmissionError(`submission ${abs} is neither a file nor a folder`);
    }
    for (const f of settings.files) {
      // Instructor files are the spec's business: a missing one is a spec error, reported per run too.
      try {
        await cp(f, path.join(dir, path.basename(f)), { recursive: true, force: true, verbatimSymlinks: true });
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
    const bytes = await duSize(dir);
    return { root, dir, tmp, entry, bytes, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function copyIn(src: string, dest: string, shown: string): Promise<void> {
  try {
    // Symlinks are copied as links, never followed: a link to the harness's secrets must
    // not make the harness copy them in.
    await cp(src, dest, { recursive: true, verbatimSymlinks: true, dereference: false, errorOnExist: false, force: true });
  } catch (e) {
    const where = (e as { path?: string }).path ?? shown;
    throw new SubmissionError(`submission ${shown} cannot be copied: ${where} is unreadable (${errCode(e)})`);
  }
}

async function duSize(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for (const ent of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.isFile()) total += (await lstat(p)).size;
    }
  };
  await walk(dir);
  return total;
}

function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? err?.message ?? String(e);
}
