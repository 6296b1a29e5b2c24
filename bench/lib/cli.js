// Helpers for the benchmarks that time tracegrade from the outside: the CLI as a whole process
// (node bin/tracegrade.js …, as a user runs it), and the floors it is compared with (node start,
// a bare interpreter in a minimal sandbox of the same level), timed the same way.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, dist, fmt, realPython } from './common.js';

export const BIN = join(ROOT, 'bin', 'tracegrade.js');

/** Spawn `file args`, wait for it to exit; wall time in ms (spawn → exit, as `time` would say). */
export function timeProcess(file, args, { cwd = ROOT, env = process.env, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ ms: performance.now() - t0, code, signal, stdout: out, stderr: err }));
  });
}

/** `node bin/tracegrade.js …args`; throws when it exits with a code not in `ok`. */
export async function runCli(args, { ok = [0], ...opts } = {}) {
  const r = await timeProcess(process.execPath, [BIN, ...args], opts);
  if (!ok.includes(r.code)) throw new Error(`tracegrade ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

export const loadavg = () => os.loadavg().map((x) => fmt(x, 2)).join(' ');

/** "load average 1.20 0.90 0.50 (1, 5, 15 min) on 2 cores" */
export function printLoad(when) {
  console.log(`load average ${when}: ${loadavg()} (1, 5, 15 min) on ${os.cpus().length} cores`);
}

/** The level tracegrade's `auto` picks here, unless BENCH_SANDBOX names one. */
export async function benchSandbox() {
  if (process.env.BENCH_SANDBOX && process.env.BENCH_SANDBOX !== 'auto') return process.env.BENCH_SANDBOX;
  const { chooseSandbox } = await dist('run/index.js');
  return (await chooseSandbox('auto')).level;
}

function systemTool(name) {
  for (const d of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin']) if (existsSync(join(d, name))) return join(d, name);
  return null;
}

/**
 * argv of the floor: the bare interpreter running `args` in the minimal sandbox of `level` —
 * bwrap: the same namespaces, read-only /usr and interpreter, `dir` at /work, nothing else (no
 * cgroup, no wrapper shell, no copy, no prlimit); rlimit: prlimit with the same kinds of limits;
 * none: the interpreter itself.
 */
export function floorArgv(level, args, dir) {
  const py = realPython().path;
  if (level === 'none') return [py, ...args];
  if (level === 'rlimit') return [systemTool('prlimit'), '--as=1073741824', '--cpu=10:11', '--nofile=256', '--fsize=16777216', '--core=0', '--', py, ...args];
  const prefix = dirname(dirname(py));
  const a = [systemTool('bwrap') ?? 'bwrap', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64'];
  if (!prefix.startsWith('/usr')) a.push('--ro-bind', prefix, prefix);
  a.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  if (dir) a.push('--ro-bind', dir, '/work');
  a.push('--unshare-all', '--die-with-parent', '--new-session', '--clearenv', '--setenv', 'PATH', '/usr/bin:/bin', '--chdir', dir ? '/work' : '/tmp', '--', py, ...args);
  return a;
}

/** Time the floor once (throws if the interpreter fails: the floor must be a real run). */
export async function timeFloor(level, args, dir) {
  const [file, ...rest] = floorArgv(level, args, dir);
  const r = await timeProcess(file, rest, { cwd: dir ?? ROOT, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1' } });
  if (r.code !== 0) throw new Error(`floor ${level} (${file} … ${args.join(' ')}) exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
  return r.ms;
}
