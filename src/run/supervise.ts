/**
 * Supervise one spawned run: capture stdout/stderr (and the instrumentation's fd-3 channel)
 * with timestamps, enforce the wall-time and output limits, kill the whole tree (process
 * group, cgroup, the run's uid), and read the pipes with a deadline of our own.
 */

import { execa } from 'execa';
import type { Duplex, Readable } from 'node:stream';
import type { Limits, RunSettings } from '../spec/types.js';
import type { RunEndReason, RunRecord, Stream } from '../trace/types.js';
import { TraceCapture } from './capture.js';
import { explainEnd } from './end-reason.js';
import type { Instrumentation } from './instrument/index.js';
import type { LaunchPlan } from './sandbox/index.js';
import { translateWrapperExit } from './sandbox/signals.js';
import { killLeftovers, signalRun } from './kill.js';
import { raceTimeout, rebaseOnProgramStart, round3 } from './timing.js';

/** SIGTERM, then this long, then SIGKILL for the whole tree. */
const KILL_GRACE_MS = 300;
/** After the main process exits, how long pipes held open by a leftover (setsid) process are still read. */
const DRAIN_MS = 250;

export async function spawnAndCapture(
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
  const killTree = (signal: NodeJS.Signals) => signalRun(plan, child?.pid, signal);
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
  await killLeftovers(plan, child.pid);
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
