/**
 * Supervise one spawned run from its go (spawn-run.ts): start the instrumentation, stdin and
 * the wall timer, wait for the exit, read the pipes with a deadline of our own, kill the whole
 * tree (process group, cgroup, the run's uid) and make the RunRecord.
 */

import type { Duplex } from 'node:stream';
import type { Limits, RunSettings } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { explainEnd } from './end-reason.js';
import type { Instrumentation } from './instrument/index.js';
import type { LaunchPlan } from './sandbox/index.js';
import { translateWrapperExit } from './sandbox/signals.js';
import { sweepLeftovers } from './kill.js';
import { spawnRun, type LiveRun } from './spawn-run.js';
import { raceTimeout, rebaseOnProgramStart, round3 } from './timing.js';

/** After the main process exits, how long pipes held open by a leftover (setsid) process are still read. */
const DRAIN_MS = 250;

/** Spawn and supervise at once: a cold start. */
export function spawnAndCapture(
  plan: LaunchPlan,
  settings: RunSettings,
  limits: Limits,
  instr: Instrumentation | null,
  abort?: AbortSignal,
): Promise<RunRecord> {
  return goAndCapture(spawnRun(plan, settings, limits, instr, false), abort);
}

/** Let the run start (a warm child gets "go" on its channel) and supervise it to its record. */
export async function goAndCapture(run: LiveRun, abort?: AbortSignal): Promise<RunRecord> {
  const { plan, settings, limits, instr, child, capture, outs, channel } = run;
  // A forked program's pid comes from the fork server: the observer and the witness start from it.
  const pid = run.programPid ? ((await run.programPid) ?? child.pid) : child.pid;
  run.goAt = run.warm ? performance.now() : run.spawnedAt;
  const since = (at: number) => at - run.goAt!;
  instr?.attach({ channel: channel as unknown as Duplex | null, capture, pid });
  if (run.warm) (channel as unknown as Duplex | null)?.write('go\n');

  if (settings.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // the program may exit without reading: EPIPE is fine
    child.stdin.end(settings.stdin);
  }

  const wallTimer = setTimeout(() => run.stop('timeout'), limits.wallMs);
  const onAbort = () => run.stop('error');
  if (abort?.aborted) onAbort();
  else abort?.addEventListener('abort', onAbort, { once: true });

  const ex = await run.exited;
  clearTimeout(wallTimer);
  abort?.removeEventListener('abort', onAbort);
  // A setsid grandchild can keep the pipes open: read them with our own deadline, then close.
  await raceTimeout(Promise.all(run.streamsDone), DRAIN_MS);
  // Whatever is left of the run (daemons, process-group escapees) is killed now; disposePlan waits until they are gone.
  await sweepLeftovers(plan, child.pid);
  for (const s of [outs.stdout, outs.stderr, channel]) s?.destroy();
  capture.end('stdout');
  capture.end('stderr');
  if (run.killTimer) clearTimeout(run.killTimer);
  const stats = plan.cgroup ? await plan.cgroup.stats() : {};

  const err = await Promise.race([run.spawnError, Promise.resolve(null)]);
  if (err && ex.code === null && ex.signal === null) throw err;

  const killReason = run.killReason;
  // The fork server reports the program's own status; bwrap and the shells report 128+N for signal N.
  const { exitCode, signal } = plan.wrapperExit && !ex.own ? translateWrapperExit(ex.code, ex.signal) : { exitCode: ex.code, signal: ex.signal };
  const trace = capture.lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.tMs - b.l.tMs || a.i - b.i).map((x) => x.l);
  const { end, endDetail } = explainEnd({ killReason, exitCode, signal, limits, plan, trace, stats });
  const record: RunRecord = {
    exitCode,
    signal,
    timedOut: killReason === 'timeout',
    truncated: capture.truncated,
    end,
    endDetail,
    wallMs: round3(since(ex.at)),
    clock: 'real',
    sandbox: { level: plan.level },
    trace,
  };
  if (run.programStartAt !== undefined) rebaseOnProgramStart(record, since(run.programStartAt));
  // A warm child's start-up before go (up to its "ready") is start-up too; its idle wait is not.
  if (run.warm && record.startupMs !== undefined) record.startupMs = round3(record.startupMs + Math.min(run.readyAt ?? run.goAt, run.goAt) - run.spawnedAt);
  if (stats.cpuMs !== undefined) record.cpuMs = stats.cpuMs;
  if (stats.maxRssKb !== undefined) record.maxRssKb = stats.maxRssKb;
  return record;
}
