/**
 * One planner per level behind a Record; planLaunch adds what all levels share as root: the
 * run's cgroup (processes, memory, and a handle on every process of the run).
 */

import type { SandboxLevel } from '../../trace/types.js';
import { planBwrap } from './bwrap.js';
import { RunCgroup } from './cgroup.js';
import { closeFeed } from './feed.js';
import { addressSpaceBytes } from '../limits.js';
import { appliedLimits } from './flags.js';
import { planNone } from './none.js';
import { planRlimit } from './rlimit.js';
import { isRoot, tools } from './tools.js';
import type { LaunchPlan, LaunchRequest, Planner } from './types.js';

const PLANNERS: Record<SandboxLevel, Planner> = { bwrap: planBwrap, rlimit: planRlimit, none: planNone };

/** How to spawn `req` at its level. Call disposePlan(plan) after the run (cgroup, uid). */
export async function planLaunch(req: LaunchRequest): Promise<LaunchPlan> {
  const root = isRoot();
  const p = await PLANNERS[req.level](req, await tools(), root);
  const plan: LaunchPlan = {
    ...p,
    level: req.level,
    applied: appliedLimits(req.limits, req.runtime, req.level, req.extraAddressSpace),
    cgroup: null,
    uid: p.uid ?? null,
    feeds: p.feeds ?? [],
  };
  if (req.level === 'none' || !root) return plan;
  try {
    // A backstop over all the run's processes together (each has its own RLIMIT_AS), with room
    // for the tmpfs pages and page cache the cgroup is charged for.
    const memoryBytes = addressSpaceBytes(req.limits, req.runtime, req.extraAddressSpace) + req.workBytes + 6 * req.limits.fileSizeBytes;
    plan.cgroup = await RunCgroup.create({ processes: req.limits.processes, memoryBytes });
  } catch (e) {
    closeFeed(plan.feeds);
    await plan.uid?.release();
    throw e;
  }
  if (plan.cgroup) {
    const w = plan.cgroup.wrap(plan.file, plan.args);
    plan.file = w.file;
    plan.args = w.args;
    plan.mechanisms.push(...plan.cgroup.describe());
  } else if (!plan.uid) {
    plan.mechanisms.push('processes NOT limited (root without a writable pids cgroup)');
  }
  return plan;
}

/** Kill what is left of the run and free its cgroup and uid. */
export async function disposePlan(plan: LaunchPlan): Promise<void> {
  closeFeed(plan.feeds);
  const emptied = plan.cgroup ? await plan.cgroup.destroy() : false;
  await plan.uid?.release(emptied);
}
