/**
 * What the child is given: its argv (the resolved interpreter, never a shim), a scrubbed
 * environment, and where tracegrade's runtime dirs appear inside the sandbox.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Limits, RunSettings } from '../spec/types.js';
import type { SandboxLevel } from '../trace/types.js';
import type { Instrumentation } from './instrument/index.js';
import type { ResolvedRuntime } from './interpreter.js';
import type { WorkDir } from './workdir.js';

/** Where bwrap shows tracegrade's own runtime dirs (read-only), outside the work dir. */
const SANDBOX_RUNTIME_DIR = '/opt/tracegrade';

export interface ChildSetup {
  argv: string[];
  env: Record<string, string>;
  /** Host dirs bound at their own path (the weaker levels see everything at its host path). */
  roots: string[];
  /** Host dirs shown elsewhere inside bwrap. */
  binds: Array<{ from: string; to: string }>;
}

export function childSetup(settings: RunSettings, runtime: ResolvedRuntime, work: WorkDir, limits: Limits, level: SandboxLevel, instr: Instrumentation | null): ChildSetup {
  const env: Record<string, string> = { LANG: 'C.UTF-8' };
  if (settings.runtime === 'python') {
    env.PYTHONUNBUFFERED = '1';
    env.PYTHONDONTWRITEBYTECODE = '1';
  }
  Object.assign(env, settings.env, instr?.env ?? {});
  // Inside bwrap the instrumentation dirs appear at fixed paths of their own: bound at their host
  // path they could land inside the work dir (a checkout under /work) and show up in the
  // program's listing of its cwd.
  const dirs = [...(instr?.pythonPath ?? []), ...(instr?.nodePreload ? [instr.nodePreload.dir] : [])];
  const binds = dirs.map((from, i) => ({ from, to: level === 'bwrap' ? `${SANDBOX_RUNTIME_DIR}/${i}` : from }));
  const pyBinds = binds.slice(0, instr?.pythonPath.length ?? 0);
  const preloadDir = instr?.nodePreload ? binds[binds.length - 1]!.to : undefined;
  const nodePreload = instr?.nodePreload && preloadDir ? path.posix.join(preloadDir, instr.nodePreload.file) : undefined;
  if (settings.runtime === 'python') {
    env.PYTHONUNBUFFERED = '1'; // set explicitly either way: the trace's timing depends on it
    const pp = [...pyBinds.map((b) => b.to), ...(settings.env.PYTHONPATH ? [settings.env.PYTHONPATH] : [])];
    if (pp.length) env.PYTHONPATH = pp.join(path.delimiter);
  }
  return {
    argv: buildArgv(settings, runtime, work, limits, nodePreload, preloadDir),
    env,
    roots: [...runtime.roots, ...binds.filter((b) => b.from === b.to).map((b) => b.from)],
    binds: binds.filter((b) => b.from !== b.to),
  };
}

function buildArgv(settings: RunSettings, runtime: ResolvedRuntime, work: WorkDir, limits: Limits, nodePreload?: string, preloadDir?: string): string[] {
  const entry = work.entry;
  switch (settings.runtime) {
    case 'python':
      return [runtime.executable, entry!, ...settings.args];
    case 'node':
      // The heap cap is the real memory limit for V8; the address-space limit has headroom.
      // The spec's node_flags come after the heap cap (a later flag wins), before the preloads.
      return [
        runtime.executable,
        `--max-old-space-size=${Math.max(16, Math.floor(limits.memoryBytes / 1048576))}`,
        ...(settings.nodeFlags ?? []),
        ...nodePreloads(settings, nodePreload, preloadDir),
        entry!,
        ...settings.args,
      ];
    case 'command': {
      const argv = (settings.command ?? []).map((a, i) => {
        if (!a.includes('{entry}')) return a;
        const rel = entry ?? '';
        return a.replaceAll('{entry}', i === 0 ? `./${rel}` : rel);
      });
      if (!argv[0]!.startsWith('./')) argv[0] = runtime.executable;
      return [...argv, ...settings.args];
    }
  }
}

/**
 * The start marker (or virtual clock) runs before the entry, CommonJS or ESM alike. With
 * node_resolve: loose, runtime/node/loose's module hooks are registered first (register() waits
 * for Node's hooks thread), then the marker, by --import in that order: the hooks' start-up is
 * not counted as the program's time.
 */
function nodePreloads(settings: RunSettings, nodePreload?: string, preloadDir?: string): string[] {
  if (!nodePreload) return [];
  if (settings.nodeResolve !== 'loose' || !preloadDir) return ['--require', nodePreload];
  const url = (p: string) => pathToFileURL(p).href;
  return ['--import', url(path.posix.join(preloadDir, 'loose', 'register.mjs')), '--import', url(nodePreload)];
}
