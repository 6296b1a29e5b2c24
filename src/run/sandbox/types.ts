/** What a level's planner is given and what it returns. */

import type { Limits, RuntimeKind } from '../../spec/types.js';
import type { SandboxLevel } from '../../trace/types.js';
import type { RunCgroup } from './cgroup.js';
import type { Tools } from './tools.js';
import type { UidLease } from './uids.js';

export type SandboxChoice = 'auto' | SandboxLevel;

export const LEVELS: readonly SandboxLevel[] = ['bwrap', 'rlimit', 'none'];

/** Mount point of the submission's copy inside bwrap when `cp` copies it onto /work's tmpfs (feed.ts: too many files to feed). */
export const SUB_MOUNT = '/sub';
export const BWRAP_WORK = '/work';

export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
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
  /** Address space on top of the runtime's (Node's module-hooks thread: NODE_HOOKS_GRACE). */
  extraAddressSpace?: number;
}

/** What the runner spawns for one run. */
export interface LaunchPlan {
  file: string;
  args: string[];
  /** Environment of the spawned process (the sandbox's own env is set by its flags). */
  env: Record<string, string>;
  cwd: string;
  level: SandboxLevel;
  /** How containment is achieved, for the record ("pids cgroup (max 64)", "uid 60001"…). */
  mechanisms: string[];
  /** Limits as applied (bytes, ms, counts). */
  applied: Record<string, number>;
  cgroup: RunCgroup | null;
  /** The run's own uid (root harness, rlimit level): its processes are the run's. */
  uid: UidLease | null;
  /** The wrapper reports death by signal N as exit 128+N. */
  wrapperExit: boolean;
  /**
   * Open fds the child gets at 4, 5, … (feed.ts: bwrap reads the copy's files from them). The
   * spawn closes them once the child has its own; disposePlan closes what was never spawned.
   */
  feeds: number[];
}

/** The level-specific part of a plan; planLaunch adds the cgroup and the common fields. */
export type LevelPlan = Pick<LaunchPlan, 'file' | 'args' | 'env' | 'cwd' | 'mechanisms' | 'wrapperExit'> & { uid?: UidLease | null; feeds?: number[] };

export type Planner = (req: LaunchRequest, tools: Tools, root: boolean) => Promise<LevelPlan>;
