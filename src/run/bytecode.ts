/**
 * Bytecode for the Python runtime (runtime/python: sitecustomize and the tracer). Children run
 * with PYTHONDONTWRITEBYTECODE, so without shipped .pyc files every run compiled the tracer from
 * source (~10 ms a run). `npm run build` compiles it for every interpreter it finds
 * (scripts/precompile-python.mjs) and the first run with any other interpreter compiles it for
 * that one, when the package directory is writable. Python checks each .pyc against its source's
 * mtime and size, so a stale one (a module edited since) is ignored, never run.
 */

import { execFile } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { runtimePythonDir } from './instrument/index.js';

/** The .py files under `dir`, recursively (whatever the tracer consists of today). */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory() && ent.name !== '__pycache__') out.push(...(await sources(p)));
    else if (ent.isFile() && ent.name.endsWith('.py')) out.push(p);
  }
  return out;
}

/** Where CPython keeps the bytecode of `source` for `cacheTag` ("cpython-311"). */
export function pycPath(source: string, cacheTag: string): string {
  return path.join(path.dirname(source), '__pycache__', `${path.basename(source, '.py')}.${cacheTag}.pyc`);
}

/** The sources whose bytecode for `cacheTag` is missing or older than the source. */
export async function staleSources(cacheTag: string, dir = runtimePythonDir()): Promise<string[]> {
  const stale: string[] = [];
  for (const src of await sources(dir)) {
    const [s, c] = await Promise.all([stat(src), stat(pycPath(src, cacheTag)).catch(() => null)]);
    if (!c || c.mtimeMs < s.mtimeMs) stale.push(src);
  }
  return stale;
}

/** Compile runtime/python with `python` (py_compile writes each .pyc atomically). */
export function compileRuntime(python: string, dir = runtimePythonDir()): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ['-m', 'compileall', '-q', dir], { timeout: 30_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '' } }, (err) => resolve(!err));
  });
}

const done = new Map<string, Promise<void>>();

/**
 * Make sure the runtime's bytecode exists for this interpreter (once per process and cache tag).
 * Does nothing when it is already there or the package directory is read-only.
 */
export function ensureRuntimeBytecode(python: string, cacheTag: string | undefined, dir = runtimePythonDir()): Promise<void> {
  if (!cacheTag) return Promise.resolve();
  let p = done.get(`${cacheTag}\0${dir}`);
  if (!p) {
    p = (async () => {
      const stale = await staleSources(cacheTag, dir).catch(() => []);
      if (stale.length === 0) return;
      const writable = await access(dir, fsc.W_OK).then(() => true, () => false);
      if (writable) await compileRuntime(python, dir);
    })();
    done.set(`${cacheTag}\0${dir}`, p);
  }
  return p;
}
