/**
 * Sandbox levels, strongest first: bwrap (namespaces, nothing of the host visible but /usr and
 * the interpreter), rlimit (prlimit + own process group + another uid when root), none
 * (timeouts and output caps only). `auto` takes the strongest that an honest probe accepts.
 */

import { execa } from 'execa';
import { constants as fsc } from 'node:fs';
import { access, chmod, chown, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Limits, RuntimeKind } from '../../spec/types.js';
import type { SandboxLevel } from '../../trace/types.js';
import { addressSpaceBytes } from '../limits.js';
import { RunCgroup } from './cgroup.js';

export type SandboxChoice = 'auto' | SandboxLevel;

export const LEVELS: readonly SandboxLevel[] = ['bwrap', 'rlimit', 'none'];

/** The unprivileged uid/gid a root harness runs submissions as at the rlimit level. */
export const NOBODY = 65534;

/** Mount point of the submission's copy inside bwrap (read-only; copied onto /work's tmpfs). */
const SUB_MOUNT = '/sub';
export const BWRAP_WORK = '/work';

export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

export interface ProbeResult {
  level: SandboxLevel;
  ok: boolean;
  /** Why it is unavailable (first line of the tool's complaint, and the fix). */
  reason?: string;
}

/** What the runner spawns for one run. */
export interface LaunchPlan {
  file: string;
  args: string[];
  /** Environment of the spawned process (the sandbox's own env is set by its flags). */
  env: Record<string, string>;
  cwd: string;
  level: SandboxLevel;
  /** How containment is achieved, for the record ("pids cgroup (max 64)", "uid 65534"…). */
  mechanisms: string[];
  /** Limits as applied (bytes, ms, counts). */
  applied: Record<string, number>;
  cgroup: RunCgroup | null;
  /** The wrapper reports death by signal N as exit 128+N. */
  wrapperExit: boolean;
}

export interface LaunchRequest {
  level: SandboxLevel;
  runtime: RuntimeKind;
  /** argv to run, argv[0] absolute; paths relative to the work dir. */
  argv: string[];
  /** Host work dir (the copy). */
  workDir: string;
  /** Host scratch dir for TMPDIR at the weaker levels. */
  tmpDir: string;
  /** Bytes of the copy, to size the work-dir tmpfs. */
  workBytes: number;
  /** Read-only directories the program needs (interpreter prefix, instrumentation). */
  roots: string[];
  /** Read-only directories shown at another path inside bwrap (ignored by the weaker levels, which use `from`). */
  binds?: Array<{ from: string; to: string }>;
  /** Environment for the program, without PATH/HOME (added here per level). */
  env: Record<string, string>;
  limits: Limits;
}

// ---------------------------------------------------------------- tools

let toolsCache: Promise<Record<string, string | null>> | null = null;

/** Absolute paths of the helper tools (looked up in the usual system dirs, not the user's PATH). */
function tools(): Promise<Record<string, string | null>> {
  toolsCache ??= (async () => {
    const dirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')];
    const find = async (name: string): Promise<string | null> => {
      for (const d of dirs) {
        if (!d) continue;
        try {
          await access(path.join(d, name), fsc.X_OK);
          return path.join(d, name);
        } catch {
          /* next */
        }
      }
      return null;
    };
    // TRACEGRADE_BWRAP picks another bwrap (a newer build, or a path that does not exist to test the fallback).
    const bwrap = process.env.TRACEGRADE_BWRAP !== undefined ? process.env.TRACEGRADE_BWRAP || null : await find('bwrap');
    return { bwrap, prlimit: await find('prlimit'), setpriv: await find('setpriv'), timeout: await find('timeout') };
  })();
  return toolsCache;
}

let bwrapVersionCache: Promise<number[]> | null = null;
async function bwrapVersion(bwrap: string): Promise<number[]> {
  bwrapVersionCache ??= execa(bwrap, ['--version'], { reject: false, timeout: 10_000 }).then((r) =>
    (String(r.stdout).match(/(\d+)\.(\d+)(?:\.(\d+))?/) ?? []).slice(1).map((x) => Number(x ?? 0)),
  );
  return bwrapVersionCache;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

// ---------------------------------------------------------------- limits

function prlimitArgs(limits: Limits, runtime: RuntimeKind, nproc: number | null): string[] {
  const cpuS = Math.max(1, Math.ceil(limits.cpuMs / 1000));
  const args = [
    `--as=${addressSpaceBytes(limits, runtime)}`,
    // Soft: SIGXCPU at the limit; hard one second later: SIGKILL for a program that ignores it.
    `--cpu=${cpuS}:${cpuS + 1}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
  ];
  if (nproc !== null) args.push(`--nproc=${nproc}`);
  return args;
}

function appliedLimits(limits: Limits, runtime: RuntimeKind, level: SandboxLevel): Record<string, number> {
  const base: Record<string, number> = { wallMs: limits.wallMs, outputBytes: limits.outputBytes };
  if (level === 'none') return base;
  return {
    ...base,
    cpuMs: Math.max(1, Math.ceil(limits.cpuMs / 1000)) * 1000,
    memoryBytes: addressSpaceBytes(limits, runtime),
    processes: limits.processes,
    fileSizeBytes: limits.fileSizeBytes,
    openFiles: limits.openFiles,
  };
}

/** Processes `uid` already has: RLIMIT_NPROC counts them all outside a user namespace. */
async function processesOf(uid: number): Promise<number> {
  let n = 0;
  try {
    for (const name of await readdir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const st = await stat(path.join('/proc', name));
        if (st.uid === uid) n++;
      } catch {
        /* exited */
      }
    }
  } catch {
    /* no /proc */
  }
  return n;
}

/** Can `uid` (not root, no groups) reach and execute `file`? (Only "other" bits count for nobody.) */
async function reachableByOther(file: string): Promise<boolean> {
  try {
    const parts = path.resolve(file).split(path.sep).filter(Boolean);
    let cur = '/';
    for (const p of parts.slice(0, -1)) {
      cur = path.join(cur, p);
      if (!((await stat(cur)).mode & 0o001)) return false;
    }
    return ((await stat(file)).mode & 0o005) === 0o005;
  } catch {
    return false;
  }
}

async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) await chownTree(p, uid);
    else await chown(p, uid, uid).catch(() => {}); // dangling links etc.
  }
}

// ---------------------------------------------------------------- plans

function bwrapArgs(req: LaunchRequest, version: number[]): { args: string[]; mechanisms: string[] } {
  const { limits } = req;
  const a: string[] = [
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--symlink', 'usr/sbin', '/sbin',
  ];
  const disk = req.workBytes + 4 * limits.fileSizeBytes;
  a.push(
    '--ro-bind', req.workDir, SUB_MOUNT,
    '--proc', '/proc',
    '--dev', '/dev',
    '--size', String(limits.fileSizeBytes * 2), '--tmpfs', '/tmp',
    '--size', String(disk), '--tmpfs', BWRAP_WORK,
  );
  // After the tmpfs mounts: a root under /tmp or /work (a clone in /tmp, a checkout in /work)
  // would otherwise be hidden by them.
  for (const r of [...new Set(req.roots)].sort()) {
    if (r === '/usr' || r.startsWith('/usr/') || r === '/') continue;
    a.push('--ro-bind', r, r);
  }
  for (const b of req.binds ?? []) a.push('--ro-bind', b.from, b.to);
  a.push('--unshare-all', '--unshare-user');
  const mechanisms = [
    'user/pid/net/ipc/uts/mount namespaces (no network)',
    'read-only /usr and interpreter; nothing else of the host visible',
    `work dir on a ${Math.round(disk / 1048576)} MiB tmpfs`,
  ];
  const [maj = 0, min = 0] = version;
  if (maj > 0 || min >= 8) a.push('--disable-userns');
  a.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--clearenv');
  const env: Record<string, string> = { ...req.env, PATH: '/usr/local/bin:/usr/bin:/bin', HOME: BWRAP_WORK };
  for (const [k, v] of Object.entries(env)) a.push('--setenv', k, v);
  a.push('--remount-ro', '/', '--chdir', BWRAP_WORK);
  return { args: a, mechanisms };
}

/**
 * How to spawn `req` at its level. Creates the run's cgroup (root); call plan.cgroup?.destroy()
 * after the run.
 */
export async function planLaunch(req: LaunchRequest): Promise<LaunchPlan> {
  const t = await tools();
  const { limits, runtime } = req;
  const applied = appliedLimits(limits, runtime, req.level);
  if (req.level === 'none') {
    return {
      file: req.argv[0]!,
      args: req.argv.slice(1),
      env: { ...req.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: req.workDir, TMPDIR: req.tmpDir },
      cwd: req.workDir,
      level: 'none',
      mechanisms: ['wall-time limit', 'output cap', 'own process group', 'temp work dir'],
      applied,
      cgroup: null,
      wrapperExit: false,
    };
  }
  if (!t.prlimit) throw new SandboxUnavailableError('prlimit (util-linux) not found');
  const root = isRoot();
  const cgroup = root ? await RunCgroup.create(limits.processes) : null;
  const mechanisms: string[] = [];
  let file: string;
  let args: string[];
  let env: Record<string, string>;
  let cwd: string;
  let wrapperExit = false;

  if (req.level === 'bwrap') {
    if (!t.bwrap) throw new SandboxUnavailableError('bwrap not found');
    const b = bwrapArgs(req, await bwrapVersion(t.bwrap));
    mechanisms.push(...b.mechanisms);
    // Non-root: the user namespace makes RLIMIT_NPROC count the sandbox's processes only.
    const nproc = root ? null : limits.processes;
    if (nproc !== null) mechanisms.push(`RLIMIT_NPROC ${nproc} (in its user namespace: counts the sandbox's processes only)`);
    const inner = [t.prlimit, ...prlimitArgs(limits, runtime, nproc), '--', ...req.argv];
    file = t.bwrap;
    args = [...b.args, '--', '/bin/sh', '-c', `cp -a ${SUB_MOUNT}/. ${BWRAP_WORK}/ && unset PWD OLDPWD && exec "$@"`, 'sh', ...inner];
    env = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
    cwd = req.workDir;
    wrapperExit = true;
  } else {
    // rlimit: another uid when root and the interpreter is reachable by it (pyenv under /root is not).
    let asUid: number | null = null;
    if (root) await chmod(path.dirname(req.workDir), 0o755); // the run's own temp root: let the other uid in
    if (root && t.setpriv) {
      const reach = await Promise.all([req.argv[0]!, ...req.roots.map((r) => path.join(r, '.'))].map((p, i) => (i === 0 ? reachableByOther(p) : reachableDir(p))));
      if (reach.every(Boolean) && (await reachableDir(path.dirname(req.workDir)))) asUid = NOBODY;
      else mechanisms.push(`runs as root: the interpreter (${req.argv[0]}) is not reachable by uid ${NOBODY}`);
    }
    let nproc: number | null = null;
    if (!root) nproc = (await processesOf(process.getuid?.() ?? -1)) + limits.processes;
    else if (asUid !== null) nproc = (await processesOf(asUid)) + limits.processes;
    const inner = [...req.argv];
    if (asUid !== null) {
      await chownTree(req.workDir, asUid);
      await chmod(req.tmpDir, 0o1777);
      inner.unshift(t.setpriv!, `--reuid=${asUid}`, `--regid=${asUid}`, '--clear-groups', '--');
      mechanisms.push(`uid ${asUid}`);
    }
    file = t.prlimit;
    args = [...prlimitArgs(limits, runtime, nproc), '--', ...inner];
    if (asUid === null) {
      // Same uid as the harness: its parent is a throw-away wrapper (timeout 0, else sh), not the harness (os.kill(os.getppid(), 9)).
      // coreutils `timeout 0` (no time limit) forks, waits and passes the exit status on without
      // printing anything — a shell would add "Terminated" to the program's stderr.
      if (t.timeout) {
        args = ['0', file, ...args];
        file = t.timeout;
      } else {
        args = ['-c', '"$@"; exit $?', 'sh', file, ...args];
        file = '/bin/sh';
      }
      wrapperExit = true;
      mechanisms.push('a wrapper process between it and the harness');
    }
    env = { ...req.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: req.workDir, TMPDIR: req.tmpDir };
    cwd = req.workDir;
    mechanisms.push('prlimit (cpu, address space, file size, open files)', 'own process group', 'temp work dir');
    if (nproc !== null) mechanisms.push(`RLIMIT_NPROC ${nproc}`);
  }
  if (cgroup) {
    const w = cgroup.wrap(file, args);
    file = w.file;
    args = w.args;
    mechanisms.push(`pids cgroup (max ${limits.processes})`);
  } else if (root) {
    mechanisms.push('processes NOT limited (root without a writable pids cgroup)');
  }
  return { file, args, env, cwd, level: req.level, mechanisms, applied, cgroup, wrapperExit };
}

async function reachableDir(dir: string): Promise<boolean> {
  try {
    const parts = path.resolve(dir).split(path.sep).filter(Boolean);
    let cur = '/';
    for (const p of parts) {
      cur = path.join(cur, p);
      if (!((await stat(cur)).mode & 0o001)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- probes

const probeCache = new Map<SandboxLevel, Promise<ProbeResult>>();

/** Whether `level` works here, probed once per process with the exact flags a run uses. */
export function probeSandbox(level: SandboxLevel): Promise<ProbeResult> {
  let hit = probeCache.get(level);
  if (!hit) {
    hit = probeUncached(level);
    probeCache.set(level, hit);
  }
  return hit;
}

async function probeUncached(level: SandboxLevel): Promise<ProbeResult> {
  if (level === 'none') return { level, ok: true };
  if (process.platform !== 'linux') return { level, ok: false, reason: `${level} needs Linux (this is ${process.platform})` };
  const t = await tools();
  if (!t.prlimit) return { level, ok: false, reason: 'prlimit not found: install util-linux' };
  if (level === 'bwrap' && (!t.bwrap || !(await access(t.bwrap, fsc.X_OK).then(() => true, () => false)))) return { level, ok: false, reason: 'bwrap not found: install bubblewrap (apt-get install bubblewrap)' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tracegrade-probe-'));
  let plan: LaunchPlan | null = null;
  try {
    const work = path.join(dir, 'work');
    const tmp = path.join(dir, 'tmp');
    await mkdir(work);
    await mkdir(tmp);
    await writeFile(path.join(work, 'probe.txt'), 'ok\n');
    // Same builder, same flags as a real run; the program checks the copy is there.
    plan = await planLaunch({
      level,
      runtime: 'command',
      argv: ['/bin/sh', '-c', 'read x < probe.txt && [ "$x" = ok ]'],
      workDir: work,
      tmpDir: tmp,
      workBytes: 3,
      roots: [],
      env: { LANG: 'C.UTF-8' },
      limits: { wallMs: 10_000, cpuMs: 5_000, memoryBytes: 512 * 1048576, processes: 64, outputBytes: 1 << 20, fileSizeBytes: 1 << 24, openFiles: 256 },
    });
    const r = await execa(plan.file, plan.args, { env: plan.env, extendEnv: false, cwd: plan.cwd, reject: false, timeout: 15_000, stdin: 'ignore', all: true });
    if (r.exitCode === 0) return { level, ok: true };
    const msg = String(r.all ?? '').trim().split('\n')[0] || `exit ${r.exitCode ?? r.signal}`;
    return { level, ok: false, reason: `${level} probe failed: ${msg}${level === 'bwrap' ? hint(msg) : ''}` };
  } catch (e) {
    return { level, ok: false, reason: `${level} probe failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    await plan?.cgroup?.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

function hint(msg: string): string {
  if (/uid map|Permission denied|RTM_NEWADDR|Operation not permitted|No space left/i.test(msg)) {
    return ' (unprivileged user namespaces are restricted; on Ubuntu 24.04: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)';
  }
  return '';
}

/** Pick the level for `choice`: auto = the strongest that works, with the reason stronger ones did not. */
export async function chooseSandbox(choice: SandboxChoice = 'auto'): Promise<{ level: SandboxLevel; reason?: string }> {
  if (choice !== 'auto') {
    const p = await probeSandbox(choice);
    if (!p.ok) throw new SandboxUnavailableError(p.reason ?? `${choice} is unavailable`);
    return { level: choice };
  }
  const reasons: string[] = [];
  for (const level of LEVELS) {
    const p = await probeSandbox(level);
    if (p.ok) return reasons.length ? { level, reason: reasons.join('; ') } : { level };
    reasons.push(p.reason ?? `${level} unavailable`);
  }
  return { level: 'none', reason: reasons.join('; ') };
}

/**
 * `--require-sandbox LEVEL`: fail closed (throw) unless `level` or a stronger one works here.
 * Returns the strongest level at least as strong as `level`.
 */
export async function requireSandbox(level: SandboxLevel): Promise<SandboxLevel> {
  const want = LEVELS.indexOf(level);
  const reasons: string[] = [];
  for (const l of LEVELS.slice(0, want + 1)) {
    const p = await probeSandbox(l);
    if (p.ok) return l;
    reasons.push(p.reason ?? `${l} unavailable`);
  }
  throw new SandboxUnavailableError(`--require-sandbox ${level}: not available here: ${reasons.join('; ')}`);
}

/** For tests: forget cached probes. */
export function resetSandboxProbes(): void {
  probeCache.clear();
  toolsCache = null;
  bwrapVersionCache = null;
}
