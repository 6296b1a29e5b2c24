/**
 * Asking a Python candidate (a real interpreter, a symlink, or a pyenv shim) which interpreter it
 * really runs, once per machine state rather than once per start: the answer is kept in the probe
 * cache under everything a shim's choice depends on, and used only while the interpreter it names
 * is the same file (same inode, size and mtime).
 */

import path from 'node:path';
import { cachedProbe, fileStamp } from './probe-cache.js';
import { runToEnd } from './run-to-end.js';

export interface PythonProbe {
  executable: string;
  version: string;
  roots: string[];
  /** sys.implementation.cache_tag ("cpython-311"): where its bytecode lives. */
  cacheTag?: string;
}

const PY_PROBE = 'import sys,os;print(os.path.realpath(sys.executable));print(sys.base_prefix);print(sys.prefix);print(sys.version.split()[0]);print(sys.implementation.cache_tag)';

/** What a shim's (or a venv's) choice of interpreter depends on: env, the version files pyenv reads. */
export function pythonProbeKey(candidate: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): unknown {
  const pyenvRoot = env.PYENV_ROOT || path.join(env.HOME ?? '', '.pyenv');
  // pyenv takes the nearest .python-version above the current (or PYENV_DIR) directory, then its global file.
  const versionFiles: [string, string | null][] = [];
  for (let dir = path.resolve(env.PYENV_DIR || cwd); ; dir = path.dirname(dir)) {
    const f = path.join(dir, '.python-version');
    versionFiles.push([f, fileStamp(f)]);
    if (dir === path.dirname(dir)) break;
  }
  versionFiles.push([path.join(pyenvRoot, 'version'), fileStamp(path.join(pyenvRoot, 'version'))]);
  const vars = ['PATH', 'PYENV_VERSION', 'PYENV_ROOT', 'PYENV_DIR', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'PYTHONHOME', 'PYTHONEXECUTABLE'];
  return {
    probe: PY_PROBE, // another probe, another answer
    candidate,
    stamp: fileStamp(candidate),
    uid: process.getuid?.(),
    env: vars.map((v) => [v, env[v] ?? null]),
    versionFiles: versionFiles.filter(([, s]) => s !== null),
  };
}

async function probeUncached(candidate: string): Promise<(PythonProbe & { stamp: string }) | null> {
  try {
    const r = await runToEnd(candidate, ['-c', PY_PROBE], { timeoutMs: 15_000 });
    if (r.exitCode !== 0) return null;
    const [exe, basePrefix, prefix, version, tag] = r.stdout.trim().split('\n').map((s) => s.trim());
    if (!exe || !basePrefix || !version) return null;
    const stamp = fileStamp(exe);
    if (!stamp) return null;
    const roots = [...new Set([basePrefix, prefix, path.dirname(path.dirname(exe))].filter((x): x is string => !!x))];
    return { executable: exe, version, roots, stamp, ...(tag && tag !== 'None' ? { cacheTag: tag } : {}) };
  } catch {
    return null;
  }
}

/** The real interpreter behind `candidate`, or null when it does not run as Python. */
export async function probePython(candidate: string): Promise<PythonProbe | null> {
  const got = await cachedProbe('python', pythonProbeKey(candidate), () => probeUncached(candidate), (v) => fileStamp(v.executable) === v.stamp);
  return got && { executable: got.executable, version: got.version, roots: got.roots, ...(got.cacheTag ? { cacheTag: got.cacheTag } : {}) };
}
