/**
 * One run made ready to start: its work dir, its sandbox plan (own uid, own cgroup) and, for a
 * pre-started (warm) Python run, the child itself, spawned and waiting for go before any of the
 * program runs. Every prepared run is a complete, separate sandbox for exactly one run: nothing
 * is shared with another run, so the sandbox's guarantees hold whether it starts cold or warm.
 */

import type { Limits, RunSettings } from '../spec/types.js';
import type { RunRecord, SandboxLevel } from '../trace/types.js';
import { childSetup } from './child-env.js';
import { instrumentNode, instrumentPython, runtimePythonDir, type Instrumentation } from './instrument/index.js';
import type { ResolvedRuntime } from './interpreter.js';
import { killLeftovers, signalRun } from './kill.js';
import { NODE_HOOKS_GRACE, allowanceRuntime } from './limits.js';
import { withReadableDirs } from './runtime-stage.js';
import { BWRAP_WORK, disposePlan, isRoot, planLaunch, prlimitArgs, type LaunchPlan } from './sandbox/index.js';
import { forkServerWanted, forkable, rlimitsOf } from './fork-server.js';
import { sandboxInfo } from './record.js';
import { spawnRun, type LiveRun } from './spawn-run.js';
import { goAndCapture } from './supervise.js';
import type { WorkDir } from './workdir.js';

/**
 * What bwrap runs for a forked run: nothing but a wait, until the run is over and bwrap is
 * killed. It ignores SIGTERM (an ignored signal stays ignored across exec), as a started run's
 * bwrap outlives the limit's SIGTERM for as long as its program does: the run then ends when the
 * program does, or at the SIGKILL after the grace.
 */
const HOLDER = ['/usr/bin/sh', '-c', "trap '' TERM; exec /usr/bin/sleep infinity"];

/** The longest a warm child waits for its go (it exits sooner if the parent goes away). */
export const WARM_WAIT_S = 3600;

export interface Staged {
  settings: RunSettings;
  limits: Limits;
  chosen: { level: SandboxLevel; reason?: string };
  runtime: ResolvedRuntime;
  instr: Instrumentation | null;
  plan: LaunchPlan;
  /** The pre-started child (warm runs only). */
  live?: LiveRun;
}

/** Whether a run can be pre-started: Python (its bootstrap waits for go); Node and commands start cold. */
export function canPrestart(settings: RunSettings): boolean {
  return settings.runtime === 'python';
}

/** Plan the run in `work` and, if `warm`, spawn its child now (it waits for go); `runIndex`: which of its submission's runs. */
export async function stageRun(
  work: WorkDir,
  settings: RunSettings,
  limits: Limits,
  chosen: { level: SandboxLevel; reason?: string },
  runtime: ResolvedRuntime,
  warm: boolean,
  runIndex = 0,
): Promise<Staged> {
  const made: Instrumentation | null =
    settings.runtime === 'python' ? instrumentPython(settings, { wallMs: limits.wallMs, interpreter: runtime }) : settings.runtime === 'node' ? instrumentNode(settings, { wallMs: limits.wallMs }) : null;
  // As root at the rlimit level the run's own uid must be able to read the tracer's files.
  const instr = made && (await withReadableDirs(made, chosen.level === 'rlimit' && isRoot()));
  const prestart = warm && !!instr?.wantsChannel && canPrestart(settings);
  if (prestart) instr.env = { ...instr.env, TRACEGRADE_WARM: String(WARM_WAIT_S) };
  const child = childSetup(settings, runtime, work, limits, chosen.level, instr);
  // A pre-started run can come from the fork server instead: bwrap then holds only a waiting
  // process, whose sandbox the server's fork of the program joins (fork-server.ts).
  const tracerAt = child.binds.find((b) => b.from === runtimePythonDir())?.to ?? runtimePythonDir();
  const fork = prestart && forkServerWanted(chosen.level, settings.runtime, child.argv[0]!) && forkable(child.env, tracerAt);
  const allowance = allowanceRuntime(settings.runtime, child.argv);
  const extraAddressSpace = settings.runtime === 'node' && settings.nodeResolve === 'loose' ? NODE_HOOKS_GRACE : 0;
  const plan = await planLaunch({
    level: chosen.level,
    runtime: allowance,
    extraAddressSpace,
    argv: fork ? HOLDER : child.argv,
    workDir: work.dir,
    tmpDir: work.tmp,
    workBytes: work.bytes,
    roots: child.roots,
    binds: child.binds,
    env: child.env,
    limits,
  });
  if (fork) plan.mechanisms.push('the program forked into this sandbox from a preloaded interpreter (fork server)');
  const staged: Staged = { settings, limits, chosen, runtime, instr, plan };
  if (prestart) {
    try {
      const forked = fork
        ? {
            interpreter: child.argv[0]!,
            slot: runIndex,
            argv: child.argv.slice(1),
            // As bwrap gives a started program: its PATH, HOME and PWD.
            env: { ...child.env, PATH: '/usr/local/bin:/usr/bin:/bin', HOME: BWRAP_WORK, PWD: BWRAP_WORK },
            tracerDir: [runtimePythonDir(), tracerAt] as [string, string],
            cwd: BWRAP_WORK,
            limits: rlimitsOf(prlimitArgs(limits, allowance, isRoot() ? null : limits.processes, extraAddressSpace)),
            cgroup: plan.cgroup?.joinFiles ?? [],
          }
        : undefined;
      staged.live = spawnRun(plan, settings, limits, instr, true, forked);
    } catch (e) {
      await disposePlan(plan);
      throw e;
    }
  }
  return staged;
}

/** Start the staged run (go, or a cold spawn) and supervise it to its record; the plan is disposed after. */
export async function startStaged(s: Staged, abort?: AbortSignal): Promise<RunRecord> {
  try {
    const live = s.live ?? spawnRun(s.plan, s.settings, s.limits, s.instr, false);
    const record = await goAndCapture(live, abort);
    record.sandbox = sandboxInfo(s.chosen, s.plan);
    record.runtime = s.runtime.description;
    return s.instr ? s.instr.finish(record) : record;
  } finally {
    await disposePlan(s.plan);
  }
}

/** A staged run that will never start: its waiting child (and all its tree) dies, the plan is disposed. */
export async function discardStaged(s: Staged): Promise<void> {
  const live = s.live;
  if (live) {
    signalRun(s.plan, live.child.pid, 'SIGKILL');
    await Promise.race([live.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await killLeftovers(s.plan, live.child.pid);
    for (const st of [live.outs.stdout, live.outs.stderr, live.channel]) st?.destroy();
  }
  await disposePlan(s.plan);
}
