/**
 * Killing a run's whole tree: its process group, every process of its cgroup and of its own
 * uid (setsid and double-fork escapees included), and the spawned wrapper itself.
 */

import type { LaunchPlan } from './sandbox/index.js';

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

export function signalRun(plan: LaunchPlan, pid: number | undefined, signal: NodeJS.Signals): void {
  if (plan.cgroup && signal === 'SIGTERM') {
    // The program first, not the wrapper: it gets its grace, and bwrap reaps its own
    // namespace and exits with the program's status (no orphaned zombies).
    void plan.cgroup.signalAll(signal, pid);
    return;
  }
  void plan.cgroup?.signalAll(signal);
  if (!plan.cgroup) void plan.uid?.signalAll(signal); // the cgroup holds all of them; else every process of its uid
  if (pid) {
    kill(-pid, signal); // its own process group (detached)
    kill(pid, signal);
  }
}

/**
 * After the main process exited: one SIGKILL to whatever is left of the run (daemons, escapees),
 * without waiting for them to be gone. The wait (until the cgroup or uid is empty, a fork bomb
 * included) is disposePlan's, before the cgroup or uid is used again: the run's record does not
 * wait for it (up to several ms of every run's end).
 */
export async function sweepLeftovers(plan: LaunchPlan, pid: number | undefined): Promise<void> {
  if (plan.cgroup) await plan.cgroup.signalAll('SIGKILL');
  else if (plan.uid) await plan.uid.signalAll('SIGKILL');
  if (pid) kill(-pid, 'SIGKILL');
}

/** After the main process exited: whatever is left of the run (daemons, escapees) dies now. */
export async function killLeftovers(plan: LaunchPlan, pid: number | undefined): Promise<void> {
  if (plan.cgroup) await plan.cgroup.killAll();
  else if (plan.uid) await plan.uid.signalAll('SIGKILL');
  if (pid) kill(-pid, 'SIGKILL');
}
