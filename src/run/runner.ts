/**
 * Runs one submission: work dir → sandbox plan → spawn → timed trace → RunRecord,
 * at once (runSubmission) or prepared ahead and started later (prepareRun: the warm pool).
 * Submission problems come back as RunRecord.error; only harness problems (no interpreter,
 * a required sandbox level missing) throw.
 */

import type { Limits, RunSettings } from '../spec/types.js';
import type { RunRecord, SandboxLevel } from '../trace/types.js';
import type { CopyLimits } from './copy.js';
import { resolveRuntime, type ResolvedRuntime } from './interpreter.js';
import { resolveLimits } from './limits.js';
import { WARM_WAIT_S, discardStaged, stageRun, startStaged, type Staged } from './prepare.js';
import { reachableRuntime } from './reachable-runtime.js';
import { BWRAP_WORK, LEVELS, SandboxUnavailableError, assertIsolationPolicy, chooseSandbox, requireSandbox, type SandboxChoice } from './sandbox/index.js';
import { errorRecord } from './record.js';
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
  /**
   * As root, permit a level weaker than bwrap (rlimit, none): the network and world-readable
   * files stay open to the submission (--accept-no-isolation; TRACEGRADE_ACCEPT_NO_ISOLATION=1).
   */
  acceptNoIsolation?: boolean;
  /** Which of its submission's runs this is (0-based): a forked run takes its hash seed from it (fork-server.ts). */
  runIndex?: number;
  /** Bounds of the submission's copy (defaults: 64 MiB, 10,000 files, 20 s). */
  copyLimits?: Partial<CopyLimits>;
}

export async function runSubmission(opts: RunOptions): Promise<RunRecord> {
  return prepareRun(opts, false).start(opts.signal);
}

/** A run made ready ahead of its turn (a warm pool's entry), or cold: see prepare.ts. */
export interface PreparedRun {
  /** Run it (a warm child gets its go now) to its record; errors as runSubmission's. */
  start(signal?: AbortSignal): Promise<RunRecord>;
  /** It will never run: its waiting child dies and its work dir is removed. */
  discard(): Promise<void>;
}

/**
 * Make the work dir and the sandbox plan now and, if `warm` (Python only), spawn the child, which
 * waits for go before any of the program runs. `start` gives exactly what runSubmission gives.
 */
export function prepareRun(opts: RunOptions, warm: boolean): PreparedRun {
  const { settings } = opts;
  const limits = resolveLimits(settings.limits, opts.limits ?? {}, opts.timeScale ?? 1);
  type Ready = { work: WorkDir; staged?: Staged; chosen: { level: SandboxLevel; reason?: string }; runtime: ResolvedRuntime; note?: string; failed?: unknown };
  const ready: Promise<Ready | RunRecord> = (async () => {
    const chosen = await pickLevel(opts.sandbox ?? 'auto', opts.requireSandbox);
    assertIsolationPolicy(chosen.level, opts.acceptNoIsolation, chosen.reason);
    const reach = await reachableRuntime(chosen.level, await resolveRuntime(settings));
    const runtime = reach.runtime;
    let work: WorkDir;
    try {
      work = await prepareWorkDir(opts.submission, settings, opts.copyLimits);
    } catch (e) {
      if (e instanceof SubmissionError) return errorRecord(e.message, chosen, runtime);
      throw e;
    }
    const base = { work, chosen, runtime, ...(reach.note ? { note: reach.note } : {}) };
    try {
      return { ...base, staged: await stageRun(work, settings, limits, chosen, runtime, warm, opts.runIndex) };
    } catch (e) {
      return { ...base, failed: e };
    }
  })();
  ready.catch(() => {}); // surfaced by start(); a discarded run's failure is nobody's

  return {
    async start(signal) {
      const r = await ready;
      if (!('work' in r)) return r;
      try {
        // A pre-start that failed (no uid free while the runs before it hold theirs, a sandbox
        // set-up that failed early) is staged again, cold, now that its turn has come.
        if (r.failed !== undefined && !warm) throw r.failed;
        let staged = r.failed === undefined ? r.staged! : await stageRun(r.work, settings, limits, r.chosen, r.runtime, false);
        // A warm child that died before its go (it could not start; a fork the server could not
        // make, whose answer is awaited here), or one near the end of its wait (WARM_WAIT_S):
        // this run starts cold, so no verdict depends on when it gave up.
        const live = staged.live;
        const unforked = live?.programPid !== undefined && (await live.programPid) === undefined;
        if (live && (unforked || live.hasExited || performance.now() - live.spawnedAt > (WARM_WAIT_S - 60) * 1000)) {
          await discardStaged(staged);
          staged = await stageRun(r.work, settings, limits, r.chosen, r.runtime, false);
        }
        const record = await startStaged(staged, signal);
        if (r.note) record.sandbox.mechanisms = [r.note, ...(record.sandbox.mechanisms ?? [])];
        return record;
      } catch (e) {
        // A harness problem (no free uid, an interpreter the run's uid cannot reach) stops the batch.
        if (e instanceof SandboxUnavailableError) throw e;
        // Anything that went wrong around the child (spawn failure, sandbox setup) is this run's error.
        return errorRecord(`could not run the submission: ${(e as Error).message.split('\n')[0]}`, r.chosen, r.runtime);
      } finally {
        await r.work.cleanup().catch(() => {});
      }
    },
    async discard() {
      const r = await ready.catch(() => null);
      if (!r || !('work' in r)) return;
      if (r.staged) await discardStaged(r.staged).catch(() => {});
      await r.work.cleanup().catch(() => {});
    },
  };
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

export { explainEnd } from './end-reason.js';

// The sandbox's view of the work dir (for messages that show paths).
export const SANDBOX_WORK_DIR = BWRAP_WORK;
