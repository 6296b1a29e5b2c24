/**
 * Runs one submission: work dir → sandbox plan → spawn (execa) → timed trace → RunRecord.
 * Submission problems come back as RunRecord.error; only harness problems (no interpreter,
 * a required sandbox level missing) throw.
 */

import { execa } from 'execa';
import path from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import type { Limits, RunSettings } from '../spec/types.js';
import type { RunEndReason, RunRecord, SandboxInfo, SandboxLevel, Stream } from '../trace/types.js';
import { TraceCapture } from './capture.js';
import { instrumentNode, instrumentPython, type Instrumentation } from './instrument/index.js';
import { resolveRuntime, type ResolvedRuntime } from './interpreter.js';
import { formatBytes, formatMs, resolveLimits } from './limits.js';
import {
  BWRAP_WORK,
  LEVELS,
  SandboxUnavailableError,
  chooseSandbox,
  planLaunch,
  requireSandbox,
  type LaunchPlan,
  type SandboxChoice,
} from './sandbox/index.js';
import { translateWrapperExit } from './sandbox/signals.js';
import { prepareWorkDir, SubmissionError, type WorkDir } from './workdir.js';

export interface RunOptions {
  /** Path of the submission: a folder or a single file. */
  submission: string;
  settings: RunSettings;
  sandbox?: SandboxChoice;
  /** Fail closed (throw) unless at least this level is available. */
  requireSandbox?: SandboxLevel;
  /** Overrides over the spec's limits (CLI flags). */
  limits?: Partial<Limits>;
  /** Stretch the wall and CPU limits (slow machines). */
  timeScale?: number;
  /** Cancels the run: the program's whole tree is killed and the record ends 'error' ("cancelled"). */
  signal?: AbortSignal;
}

/** SIGTERM, then this long, then SIGKILL for the whole tree. */
const KILL_GRACE_MS = 300;
/** After the main process exits, how long pipes held open by a leftover (setsid) process are still read. */
const DRAIN_MS = 250;

export async function runSubmission(opts: RunOptions): Promise<RunRecord> {
  const { settings } = opts;
  const limits = resolveLimits(settings.limits, opts.limits ?? {}, opts.timeScale ?? 1);
  const chosen = await pickLevel(opts.sandbox ?? 'auto', opts.requireSandbox);
  const runtime = await resolveRuntime(settings);

  let work: WorkDir;
  try {
    work = await prepareWorkDir(opts.submission, settings);
  } catch (e) {
    if (e instanceof SubmissionError) return errorRecord(e.message, chosen, runtime);
    throw e;
  }
  try {
    return await runInWorkDir(work, settings, limits, chosen, runtime, opts.signal);
  } catch (e) {
    // Anything that went wrong around the child (spawn failure, sandbox setup) is this run's error.
    return errorRecord(`could not run the submission: ${(e as Error).message.split('\n')[0]}`, chosen, runtime);
  } finally {
    await work.cleanup().catch(() => {});
  }
}

/** The level for a run; throws SandboxUnavailableError when the requirement cannot be met. */
async function pickLevel(choice: SandboxChoice, required?: SandboxLevel): Promise<{ level: SandboxLevel; reason?: string }> {
  if (!required) return chooseSandbox(choice);
  await requireSandbox(required); // throws with the probe's reason
  const chosen = await chooseSandbox(choice);
  if (LEVELS.indexOf(chosen.level) > LEVELS.indexOf(required)) {
    throw new SandboxUnavailableError(`--sandbox ${choice} gives ${chosen.level}, weaker than --require-sandbox ${required}`);
  }
  return chosen;
}

function errorRecord(message: string, chosen: { level: SandboxLevel; reason?: string }, runtime?: ResolvedRuntime): RunRecord {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    truncated: false,
    end: 'error',
    endDetail: message,
    wallMs: 0,
    clock: 'real',
    sandbox: sandboxInfo(chosen),
    runtime: runtime?.description,
    trace: [],
    error: message,
  };
}

function sandboxInfo(chosen: { level: SandboxLevel; reason?: string }, plan?: LaunchPlan): SandboxInfo {
  const info: SandboxInfo = { level: chosen.level };
  if (chosen.reason) info.reason = chosen.reason;
  if (plan) {
    info.limits = plan.applied;
    info.mechanisms = plan.mechanisms;
  }
  return info;
}

function buildArgv(settings: RunSettings, runtime: ResolvedRuntime, work: WorkDir, limits: Limits, nodePreload?: string): string[] {
  const entry = work.entry;
  switch (settings.runtime) {
    case 'python':
      return [runtime.executable, entry!, ...settings.args];
    case 'node':
      // The heap cap is the real memory limit for V8; the address-space limit has headroom.
      // The start marker (when given) runs before the entry, CommonJS or ESM alike.
      return [
        runtime.executable,
        `--max-old-space-size=${Math.max(16, Math.floor(limits.memoryBytes / 1048576))}`,
        ...(nodePreload ? ['--require', nodePreload] : []),
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

async function runInWorkDir(
  work: WorkDir,
  settings: RunSettings,
  limits: Limits,
  chosen: { level: SandboxLevel; reason?: string },
  runtime: ResolvedRuntime,
  abort?: AbortSignal,
): Promise<RunRecord> {
  const instr: Instrumentation | null =
    settings.runtime === 'python' ? instrumentPython(settings, { wallMs: limits.wallMs }) : settings.runtime === 'node' ? instrumentNode() : null;
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
  const binds = dirs.map((from, i) => ({ from, to: chosen.level === 'bwrap' ? `${SANDBOX_RUNTIME_DIR}/${i}` : from }));
  const pyBinds = binds.slice(0, instr?.pythonPath.length ?? 0);
  const preloadDir = instr?.nodePreload ? binds[binds.length - 1]!.to : undefined;
  const nodePreload = instr?.nodePreload && preloadDir ? path.posix.join(preloadDir, instr.nodePreload.file) : undefined;
  if (settings.runtime === 'python') {
    env.PYTHONUNBUFFERED = '1'; // set explicitly either way: the trace's timing depends on it
    const pp = [...pyBinds.map((b) => b.to), ...(settings.env.PYTHONPATH ? [settings.env.PYTHONPATH] : [])];
    if (pp.length) env.PYTHONPATH = pp.join(path.delimiter);
  }
  if (settings.runtime === 'command' && work.entry) {
    // A submission that is itself the program must be executable in its copy.
    const { chmod } = await import('node:fs/promises');
    await chmod(path.join(work.dir, work.entry), 0o755).catch(() => {});
  }

  const plan = await planLaunch({
    level: chosen.level,
    runtime: settings.runtime,
    argv: buildArgv(settings, runtime, work, limits, nodePreload),
    workDir: work.dir,
    tmpDir: work.tmp,
    workBytes: work.bytes,
    roots: [...runtime.roots, ...binds.filter((b) => b.from === b.to).map((b) => b.from)],
    binds: binds.filter((b) => b.from !== b.to),
    env,
    limits,
  });
  try {
    const record = await spawnAndCapture(plan, settings, limits, instr, abort);
    record.sandbox = sandboxInfo(chosen, plan);
    record.runtime = runtime.description;
    return instr ? instr.finish(record) : record;
  } finally {
    await plan.cgroup?.destroy();
  }
}

async function spawnAndCapture(
  plan: LaunchPlan,
  settings: RunSettings,
  limits: Limits,
  instr: Instrumentation | null,
  abort?: AbortSignal,
): Promise<RunRecord> {
  const wantsChannel = !!instr?.wantsChannel;
  let killReason: RunEndReason | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  const t0 = performance.now();
  const now = () => performance.now() - t0;

  const stdinMode = settings.stdin !== undefined ? 'pipe' : 'ignore';
  const stdio = wantsChannel ? ([stdinMode, 'pipe', 'pipe', 'pipe'] as const) : ([stdinMode, 'pipe', 'pipe'] as const);

  let child: ReturnType<typeof execa> | undefined;
  const killTree = (signal: NodeJS.Signals) => {
    if (plan.cgroup && signal === 'SIGTERM') {
      // The program first, not the wrapper: it gets its grace, and bwrap reaps its own
      // namespace and exits with the program's status (no orphaned zombies).
      void plan.cgroup.signalAll(signal, child?.pid);
      return;
    }
    void plan.cgroup?.signalAll(signal);
    if (child?.pid) {
      try {
        process.kill(-child.pid, signal); // its own process group (detached)
      } catch {
        /* gone */
      }
      try {
        process.kill(child.pid, signal);
      } catch {
        /* gone */
      }
    }
  };
  const stop = (reason: RunEndReason) => {
    if (killReason) return;
    killReason = reason;
    killTree('SIGTERM');
    killTimer = setTimeout(() => killTree('SIGKILL'), KILL_GRACE_MS);
  };

  const capture = new TraceCapture({ outputLimit: limits.outputBytes, onLimit: () => stop('output-limit'), now });
  child = execa(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    extendEnv: false,
    stdio,
    buffer: false,
    reject: false,
    detached: true,
    cleanup: true,
    encoding: 'buffer',
    stripFinalNewline: false,
    windowsHide: true,
  });

  const streamsDone: Promise<void>[] = [];
  const watch = (s: Readable | null | undefined, onData: (c: Buffer) => void, onEnd?: () => void) => {
    if (!s) return;
    streamsDone.push(
      new Promise<void>((resolve) => {
        s.on('data', onData);
        s.once('close', () => {
          onEnd?.();
          resolve();
        });
        s.once('error', () => {
          onEnd?.();
          resolve();
        });
      }),
    );
  };
  const outs: Record<Stream, Readable | null> = { stdout: child.stdout as Readable | null, stderr: child.stderr as Readable | null };
  for (const name of ['stdout', 'stderr'] as const) watch(outs[name], (c) => capture.push(name, c), () => capture.end(name));
  const channel = wantsChannel ? (child.stdio[3] as Readable | null) : null;
  // The first side-channel record is the bootstrap's hello, sent before the entry runs: its
  // arrival marks the program's start, after sandbox and interpreter start-up.
  let programStartMs: number | undefined;
  if (channel && instr)
    watch(channel, (c) => {
      programStartMs ??= now();
      instr.onChannelData(c);
    });

  instr?.attach({ channel: channel as unknown as Duplex | null, capture, pid: child.pid });

  if (settings.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // the program may exit without reading: EPIPE is fine
    child.stdin.end(settings.stdin);
  }

  const wallTimer = setTimeout(() => stop('timeout'), limits.wallMs);
  const onAbort = () => stop('error');
  if (abort?.aborted) onAbort();
  else abort?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, ms: now() }));
    child.once('error', () => resolve({ code: null, signal: null, ms: now() }));
  });
  const spawnError = new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (e) => resolve(e));
  });

  const ex = await exited;
  clearTimeout(wallTimer);
  abort?.removeEventListener('abort', onAbort);
  // A setsid grandchild can keep the pipes open: read them with our own deadline, then close.
  await raceTimeout(Promise.all(streamsDone), DRAIN_MS);
  // Whatever is left of the run (daemons, process-group escapees) dies now.
  if (plan.cgroup) await plan.cgroup.killAll();
  if (child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const s of [outs.stdout, outs.stderr, channel]) s?.destroy();
  capture.end('stdout');
  capture.end('stderr');
  if (killTimer) clearTimeout(killTimer);
  await raceTimeout(child.then(() => {}, () => {}), 1000);
  const stats = plan.cgroup ? await plan.cgroup.stats() : {};

  const err = await Promise.race([spawnError, Promise.resolve(null)]);
  if (err && ex.code === null && ex.signal === null) throw err;

  const { exitCode, signal } = plan.wrapperExit ? translateWrapperExit(ex.code, ex.signal) : { exitCode: ex.code, signal: ex.signal };
  const trace = capture.lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.tMs - b.l.tMs || a.i - b.i).map((x) => x.l);
  const { end, endDetail } = explainEnd({ killReason, exitCode, signal, limits, plan, trace, stats });
  const record: RunRecord = {
    exitCode,
    signal,
    timedOut: killReason === 'timeout',
    truncated: capture.truncated,
    end,
    endDetail,
    wallMs: round3(ex.ms),
    clock: 'real',
    sandbox: { level: plan.level },
    trace,
  };
  if (programStartMs !== undefined) rebaseOnProgramStart(record, programStartMs);
  if (stats.cpuMs !== undefined) record.cpuMs = stats.cpuMs;
  if (stats.maxRssKb !== undefined) record.maxRssKb = stats.maxRssKb;
  return record;
}

/**
 * Count times from the program's start instead of from spawn: the sandbox's and interpreter's
 * start-up (tens of ms idle, up to a second on a loaded CI runner) is not the program's time.
 * Never past the first line: its pipe may be read before the channel's.
 */
function rebaseOnProgramStart(record: RunRecord, programStartMs: number): void {
  const startup = round3(Math.max(0, Math.min(programStartMs, record.trace[0]?.tMs ?? programStartMs, record.wallMs)));
  record.startupMs = startup;
  record.wallMs = round3(record.wallMs - startup);
  for (const line of record.trace) {
    line.tMs = round3(line.tMs - startup);
    if (line.firstByteMs !== undefined) line.firstByteMs = round3(Math.max(0, line.firstByteMs - startup));
  }
}

/**
 * Wait for `p`, at most `ms`. The timer is cleared either way: a pending timer keeps Node's
 * event loop alive, so every CLI run used to idle up to a second before it could exit.
 */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const MEMORY_PATTERNS: [RegExp, string][] = [
  [/\bMemoryError\b/, 'MemoryError'],
  [/JavaScript heap out of memory|Reached heap limit/, 'JavaScript heap out of memory'],
  [/Cannot allocate memory|std::bad_alloc|out of memory/i, 'out of memory'],
];

export function explainEnd(input: {
  killReason: RunEndReason | null;
  exitCode: number | null;
  signal: string | null;
  limits: Limits;
  plan: Pick<LaunchPlan, 'applied' | 'level'>;
  trace: { stream: Stream; text: string }[];
  stats: { cpuMs?: number; pidsLimitHits?: number };
}): { end: RunEndReason; endDetail: string } {
  const { killReason, exitCode, signal, limits, plan, trace, stats } = input;
  const suffix: string[] = [];
  if (stats.pidsLimitHits) suffix.push(`the process limit (${limits.processes}) refused ${stats.pidsLimitHits} fork${stats.pidsLimitHits === 1 ? '' : 's'}`);
  const stderrTail = trace.filter((l) => l.stream === 'stderr').slice(-20).map((l) => l.text).join('\n');
  if (/File too large/.test(stderrTail)) suffix.push(`the file-size limit (${formatBytes(limits.fileSizeBytes)}) was reached`);
  if (/No space left on device/.test(stderrTail)) suffix.push('the work dir is full (no space left on device)');
  const withSuffix = (s: string) => (suffix.length ? `${s}; ${suffix.join('; ')}` : s);

  if (killReason === 'error') return { end: 'error', endDetail: 'cancelled: the run was stopped before it ended' };
  if (killReason === 'timeout') return { end: 'timeout', endDetail: withSuffix(`killed after the ${formatMs(limits.wallMs)} wall-time limit`) };
  if (killReason === 'output-limit') {
    return { end: 'output-limit', endDetail: withSuffix(`killed at the output limit (${formatBytes(limits.outputBytes)}); the trace stops there`) };
  }
  const cpuLimit = plan.applied.cpuMs;
  if (signal === 'SIGXCPU' || (signal === 'SIGKILL' && cpuLimit !== undefined && stats.cpuMs !== undefined && stats.cpuMs >= cpuLimit)) {
    return { end: 'cpu-limit', endDetail: withSuffix(`killed by ${signal} at the ${formatMs(cpuLimit ?? limits.cpuMs)} CPU-time limit`) };
  }
  if (exitCode !== 0 || signal) {
    for (const [re, label] of MEMORY_PATTERNS) {
      if (re.test(stderrTail)) {
        // The spec's limit (for Node: the heap cap; its address-space limit has 1 GiB headroom).
        return { end: 'memory-limit', endDetail: withSuffix(`memory limit (${formatBytes(limits.memoryBytes)}) reached: ${label}`) };
      }
    }
  }
  if (signal === 'SIGXFSZ') return { end: 'signalled', endDetail: withSuffix(`killed by SIGXFSZ at the file-size limit (${formatBytes(limits.fileSizeBytes)})`) };
  if (signal) return { end: 'signalled', endDetail: withSuffix(`killed by ${signal}`) };
  return { end: 'exited', endDetail: withSuffix(`exited with code ${exitCode}`) };
}

// The sandbox's view of the work dir (for messages that show paths).
export const SANDBOX_WORK_DIR = BWRAP_WORK;
/** Where bwrap shows tracegrade's own runtime dirs (read-only), outside the work dir. */
const SANDBOX_RUNTIME_DIR = '/opt/tracegrade';
