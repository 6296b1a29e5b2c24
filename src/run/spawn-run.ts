/**
 * Spawn one run's child and start reading it: stdout/stderr into the timed capture, fd 3 (the
 * side channel) into the instrumentation. The run's clock and wall timer start later, at go
 * (supervise.ts): right away for a cold start, when the batch reaches it for a pre-started
 * (warm) run, whose bootstrap waits for "go" on the channel before any of the program runs.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Limits, RunSettings } from '../spec/types.js';
import type { RunEndReason, Stream } from '../trace/types.js';
import { TraceCapture } from './capture.js';
import type { Instrumentation } from './instrument/index.js';
import { closeFeed, withFeeds, type LaunchPlan } from './sandbox/index.js';
import { shieldStdio } from './inherited-fds.js';
import { signalRun } from './kill.js';
import { forkInto, type ForkPlan } from './fork-run.js';

/** SIGTERM, then this long, then SIGKILL for the whole tree. */
const KILL_GRACE_MS = 300;

export interface LiveRun {
  plan: LaunchPlan;
  settings: RunSettings;
  limits: Limits;
  instr: Instrumentation | null;
  /** Pre-started: the child waits for go; times count from go, not from spawn. */
  warm: boolean;
  child: ChildProcess;
  capture: TraceCapture;
  outs: Record<Stream, Readable | null>;
  channel: Readable | null;
  streamsDone: Promise<void>[];
  /** `own`: the status is the program's own, from the fork server (bwrap's, of a wrapper, is 128+N for signal N). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number; own?: boolean }>;
  spawnError: Promise<Error | null>;
  /** performance.now() of spawn, of the warm child's "ready", of go, of the program's start marker. */
  spawnedAt: number;
  readyAt?: number;
  goAt?: number;
  programStartAt?: number;
  /** Set once the child has exited (before go: the pre-start failed, the run starts cold). */
  hasExited: boolean;
  /** A forked run (fork-server.ts): the program's host pid, once the server has forked it (undefined: it could not). */
  programPid?: Promise<number | undefined>;
  killReason: RunEndReason | null;
  killTimer?: NodeJS.Timeout;
  /** SIGTERM the whole tree now, SIGKILL after the grace; the first reason wins. */
  stop(reason: RunEndReason): void;
}

export function spawnRun(plan: LaunchPlan, settings: RunSettings, limits: Limits, instr: Instrumentation | null, warm: boolean, fork?: ForkPlan): LiveRun {
  const wantsChannel = !!instr?.wantsChannel;
  const stdinMode = settings.stdin !== undefined ? 'pipe' : 'ignore';
  const stdio = wantsChannel ? ([stdinMode, 'pipe', 'pipe', 'pipe'] as const) : ([stdinMode, 'pipe', 'pipe'] as const);
  const spawnedAt = performance.now();
  // Times of lines count from go: spawn for a cold start, the batch's go for a warm one.
  const now = () => performance.now() - (run.goAt ?? spawnedAt);
  const capture = new TraceCapture({ outputLimit: limits.outputBytes, onLimit: () => run.stop('output-limit'), now });
  // Its own process group (detached), so a kill reaches the whole tree; streams stay Buffers.
  let child: ChildProcess;
  try {
    child = spawn(plan.file, plan.args, { cwd: plan.cwd, env: plan.env, stdio: shieldStdio(withFeeds(stdio, plan.feeds)), detached: true, windowsHide: true });
  } finally {
    closeFeed(plan.feeds); // the child has its own copies now
  }
  const run: LiveRun = {
    plan,
    settings,
    limits,
    instr,
    warm,
    child,
    capture,
    outs: { stdout: child.stdout as Readable | null, stderr: child.stderr as Readable | null },
    channel: wantsChannel ? (child.stdio[3] as Readable | null) : null,
    streamsDone: [],
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
      child.once('error', () => resolve({ code: null, signal: null, at: performance.now() }));
    }),
    spawnError: new Promise((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (e) => resolve(e));
    }),
    spawnedAt,
    hasExited: false,
    killReason: null,
    stop(reason) {
      if (run.killReason) return;
      run.killReason = reason;
      signalRun(plan, child.pid, 'SIGTERM');
      run.killTimer = setTimeout(() => signalRun(plan, child.pid, 'SIGKILL'), KILL_GRACE_MS);
    },
  };
  if (fork) forkInto(run, fork);
  void run.exited.then(() => (run.hasExited = true));

  const watch = (s: Readable | null | undefined, onData: (c: Buffer) => void, onEnd?: () => void) => {
    if (!s) return;
    run.streamsDone.push(
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
  for (const name of ['stdout', 'stderr'] as const) watch(run.outs[name], (c) => capture.push(name, c), () => capture.end(name));
  if (run.channel && instr) watch(run.channel, channelReader(run, instr));
  return run;
}

/**
 * A warm child's first line on the channel is its bare "ready" (written before any of the
 * program can run); the first byte after it — the bootstrap's hello, sent once the program's
 * own code begins — marks the program's start, after sandbox and interpreter start-up.
 */
function channelReader(run: LiveRun, instr: Instrumentation): (c: Buffer) => void {
  let head: Buffer | null = run.warm ? Buffer.alloc(0) : null;
  return (chunk) => {
    let c = chunk;
    if (head) {
      const all = Buffer.concat([head, c]);
      const nl = all.indexOf(0x0a);
      if (nl < 0 && all.length < 64) {
        head = all;
        return;
      }
      run.readyAt ??= performance.now();
      head = null;
      c = nl < 0 ? all : all.subarray(nl + 1);
      if (!c.length) return;
    }
    run.programStartAt ??= performance.now();
    instr.onChannelData(c);
  };
}
