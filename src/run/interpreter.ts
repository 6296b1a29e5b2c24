/**
 * Which program actually runs a submission. Python is resolved to the real interpreter
 * (sys.executable): the pyenv shim costs ~50 ms a run and, inside a sandbox, silently becomes
 * the system Python. The answer is cached per process and on disk (python-probe.ts).
 */

import { constants as fsc } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSettings } from '../spec/types.js';
import { ensureRuntimeBytecode } from './bytecode.js';
import { probePython as probeInterpreter } from './python-probe.js';
import { runToEnd } from './run-to-end.js';

export interface ResolvedRuntime {
  kind: RunSettings['runtime'];
  /** Absolute path of the program to execute (argv[0]). */
  executable: string;
  /** Interpreter version ("3.11.7", "20.20.2"), when known. */
  version?: string;
  /** Directories the program needs to see (bound read-only by the sandbox). */
  roots: string[];
  /** For RunRecord.runtime: "/path/python3.11 (3.11.7)". */
  description: string;
  /** Python: sys.implementation.cache_tag, where its bytecode lives. */
  cacheTag?: string;
}

/** The runtime cannot be found: the message is one line that says the fix. */
export class InterpreterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterpreterError';
  }
}

const cache = new Map<string, Promise<ResolvedRuntime>>();

/** For tests: forget resolved runtimes. */
export function resetRuntimeCache(): void {
  cache.clear();
}

/** Resolve (cached per process) the runtime a spec asks for. */
export function resolveRuntime(settings: Pick<RunSettings, 'runtime' | 'interpreter' | 'command'>): Promise<ResolvedRuntime> {
  const key = `${settings.runtime}\0${settings.interpreter ?? ''}\0${settings.runtime === 'command' ? (settings.command?.[0] ?? '') : ''}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = resolveUncached(settings);
    // A failure is not cached: the user may install the interpreter and retry in the same process.
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

async function resolveUncached(settings: Pick<RunSettings, 'runtime' | 'interpreter' | 'command'>): Promise<ResolvedRuntime> {
  switch (settings.runtime) {
    case 'python': {
      const py = await resolvePython(settings.interpreter);
      await ensureRuntimeBytecode(py.executable, py.cacheTag);
      return py;
    }
    case 'node':
      return resolveNode(settings.interpreter);
    case 'command':
      return resolveCommand(settings.command ?? []);
  }
}

async function probePython(candidate: string): Promise<ResolvedRuntime | null> {
  const got = await probeInterpreter(candidate);
  return got && { kind: 'python', ...got, description: `${got.executable} (${got.version})` };
}

function versionMatches(version: string, pin: string): boolean {
  return version === pin || version.startsWith(pin + '.');
}

async function resolvePython(pin?: string): Promise<ResolvedRuntime> {
  if (pin && path.isAbsolute(pin)) {
    const got = await probePython(pin);
    if (!got) throw new InterpreterError(`the pinned interpreter ${pin} does not run as Python; fix the path in run.interpreter`);
    return got;
  }
  if (pin) {
    const candidates: string[] = [];
    const onPath = await which(`python${pin}`);
    if (onPath) candidates.push(onPath);
    candidates.push(...(await pyenvCandidates(pin)));
    for (const c of candidates) {
      const got = await probePython(c);
      if (got && versionMatches(got.version ?? '', pin)) return got;
    }
    throw new InterpreterError(
      `no Python ${pin} found (looked for python${pin} on PATH and ~/.pyenv/versions/${pin}*); install it (e.g. \`pyenv install ${pin}\`) or change run.interpreter`,
    );
  }
  for (const name of ['python3', 'python']) {
    const found = await which(name);
    if (!found) continue;
    const got = await probePython(found);
    if (got && got.version?.startsWith('3')) return got;
  }
  throw new InterpreterError('no python3 found on PATH; install Python 3 (e.g. `apt-get install python3`) or pin one with run.interpreter: /path/to/python3');
}

async function pyenvCandidates(pin: string): Promise<string[]> {
  const root = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  let names: string[];
  try {
    names = await readdir(path.join(root, 'versions'));
  } catch {
    return [];
  }
  return names
    .filter((n) => versionMatches(n, pin))
    .sort(compareVersionsDesc)
    .map((n) => path.join(root, 'versions', n, 'bin', 'python3'));
}

function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function resolveNode(pin?: string): Promise<ResolvedRuntime> {
  let exe = process.execPath;
  if (pin && path.isAbsolute(pin)) exe = pin;
  try {
    exe = await realpath(exe);
  } catch {
    throw new InterpreterError(`the pinned Node ${exe} does not exist; fix the path in run.interpreter`);
  }
  let version: string | undefined = process.version.replace(/^v/, '');
  if (exe !== (await realpath(process.execPath).catch(() => process.execPath))) {
    const r = await runToEnd(exe, ['--version'], { timeoutMs: 15_000 });
    if (r.exitCode !== 0) throw new InterpreterError(`the pinned Node ${exe} does not run; fix the path in run.interpreter`);
    version = r.stdout.trim().replace(/^v/, '');
  }
  if (pin && !path.isAbsolute(pin) && !versionMatches(version, pin)) {
    throw new InterpreterError(`run.interpreter asks for Node ${pin} but this is Node ${version}; run tracegrade with that Node or pin an absolute path`);
  }
  return { kind: 'node', executable: exe, version, roots: [path.dirname(path.dirname(exe))], description: `${exe} (${version})` };
}

async function resolveCommand(argv: string[]): Promise<ResolvedRuntime> {
  const first = argv[0];
  if (!first) throw new InterpreterError('runtime "command" needs run.command (an argv list, e.g. ["ruby", "{entry}"])');
  if (first.includes('{entry}')) {
    // The submission itself is the program; it lives in the work dir.
    return { kind: 'command', executable: first, roots: [], description: argv.join(' ') };
  }
  const found = path.isAbsolute(first) ? ((await isExecutable(first)) ? first : null) : await which(first);
  if (!found) throw new InterpreterError(`command "${first}" not found on PATH; install it or give its absolute path in run.command`);
  const real = await realpath(found);
  return { kind: 'command', executable: real, roots: [path.dirname(path.dirname(real))], description: [real, ...argv.slice(1)].join(' ') };
}

/** `which`: the first executable `name` on PATH (a pyenv shim is fine: the probe resolves the real interpreter). */
export async function which(name: string, envPath = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (await isExecutable(p)) return p;
  }
  return null;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, fsc.X_OK);
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
