/**
 * Runs one submission: work dir → sandbox plan → spawn (execa) → timed trace → RunRecord.
 * Submission problems come back as RunRecord.error; only harness problems (no interpreter,
 * a required sandbox level missing) throw.
 */

import type { Limits, RunSettings } from '../spec/types.js';
import type { RunRecord, SandboxLevel } from '../trace/types.js';
import { childSetup } from './child-env.js';
import type { CopyLimits } from './copy.js';
import { instrumentNode, instrumentPython, type Instrumentation } from './instrument/index.js';
import { resolveRuntime, type ResolvedRuntime } from './interpreter.js';
import { NODE_HOOKS_GRACE, allowanceRuntime, resolveLimits } from './limits.js';
import { reachableRuntime } from './reachable-runtime.js';
import { withReadableDirs } from './runtime-stage.js';
import {
  BWRAP_WORK,
  LEVELS,
  SandboxUnavailableError,
  assertIsolationPolicy,
  chooseSandbox,
  disposePlan,
  isRoot,
  planLaunch,
  requireSandbox,
  type SandboxChoice,
} from './sandbox/index.js';
import { errorRecord, sandboxInfo } from './record.js';
import { spawnAndCapture } from './supervise.js';
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
  /** Bounds of the submission's copy (defaults: 64 MiB, 10,000 files, 20 s). */
  copyLimits?: Partial<CopyLimits>;
}

export async function runSubmission(opts: RunOptions): Promise<RunRecord> {
  const { settings } = opts;
  const limits = resolveLimits(settings.limits, opts.limits ?? {}, opts.timeScale ?? 1);
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
  try {
    const record = await runInWorkDir(work, settings, limits, chosen, runtime, opts.signal);
    if (reach.note) record.sandbox.mechanisms = [reach.note, ...(record.sandbox.mechanisms ?? [])];
    return record;
  } catch (e) {
    // A harness problem (no free uid, an interpreter the run's uid cannot reach) stops the batch.
    if (e instanceof SandboxUnavailableError) throw e;
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

async function runInWorkDir(
  work: WorkDir,
  settings: RunSettings,
  limits: Limits,
  chosen: { level: SandboxLevel; reason?: string },
  runtime: ResolvedRuntime,
  abort?: AbortSignal,
): Promise<RunRecord> {
  const made: Instrumentation | null =
    settings.runtime === 'python' ? instrumentPython(settings, { wallMs: limits.wallMs }) : settings.runtime === 'node' ? instrumentNode(settings, { wallMs: limits.wallMs }) : null;
  // As root at the rlimit level the run's own uid must be able to read the tracer's files.
  const instr = made && (await withReadableDirs(made, chosen.level === 'rlimit' && isRoot()));
  const child = childSetup(settings, runtime, work, limits, chosen.level, instr);
  const plan = await planLaunch({
    level: chosen.level,
    runtime: allowanceRuntime(settings.runtime, child.argv),
    extraAddressSpace: settings.runtime === 'node' && settings.nodeResolve === 'loose' ? NODE_HOOKS_GRACE : 0,
    argv: child.argv,
    workDir: work.dir,
    tmpDir: work.tmp,
    workBytes: work.bytes,
    roots: child.roots,
    binds: child.binds,
    env: child.env,
    limits,
  });
  try {
    const record = await spawnAndCapture(plan, settings, limits, instr, abort);
    record.sandbox = sandboxInfo(chosen, plan);
    record.runtime = runtime.description;
    return instr ? instr.finish(record) : record;
  } finally {
    await disposePlan(plan);
  }
}

export { explainEnd } from './end-reason.js';

// The sandbox's view of the work dir (for messages that show paths).
export const SANDBOX_WORK_DIR = BWRAP_WORK;
