/**
 * The rlimit level: prlimit, its own process group, a temp work dir; as root, a uid of its own
 * (never shared with a concurrent run) that owns only its copy, with no groups and no new
 * privileges. It blocks neither the network nor reads of world-readable host files.
 */

import { chmod, lchown } from 'node:fs/promises';
import path from 'node:path';
import { prlimitArgs } from './flags.js';
import { reachableByOther, lchownTree } from './reach.js';
import { SandboxUnavailableError, type LevelPlan, type Planner } from './types.js';
import { pidsOfUid, UidLease } from './uids.js';

export const planRlimit: Planner = async (req, t, root) => {
  if (!t.prlimit) throw new SandboxUnavailableError('prlimit (util-linux) not found');
  const env = { ...req.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: req.workDir, TMPDIR: req.tmpDir };
  const common = ['prlimit (cpu, address space, file size, open files)', 'own process group', 'temp work dir'];
  if (!root) {
    // Same uid as the harness: RLIMIT_NPROC counts all its processes; the parent is a throw-away
    // wrapper, not the harness (os.kill(os.getppid(), 9)). coreutils `timeout 0` forks, waits and
    // passes the status on without printing anything (a shell would add "Terminated").
    const nproc = (await processCount()) + req.limits.processes;
    const args = [...prlimitArgs(req.limits, req.runtime, nproc, req.extraAddressSpace), '--', ...req.argv];
    const wrapped: Pick<LevelPlan, 'file' | 'args'> = t.timeout
      ? { file: t.timeout, args: ['0', t.prlimit, ...args] }
      : { file: '/bin/sh', args: ['-c', '"$@"; exit $?', 'sh', t.prlimit, ...args] };
    return { ...wrapped, env, cwd: req.workDir, wrapperExit: true, mechanisms: ['a wrapper process between it and the harness', ...common, `RLIMIT_NPROC ${nproc}`] };
  }
  if (!t.setpriv) throw new SandboxUnavailableError('setpriv (util-linux) not found: as root the rlimit level needs it to run submissions as another uid');
  await assertReachable(req.argv[0]!, req.roots);
  const lease = await UidLease.acquire();
  try {
    const uid = lease.uid;
    // The run's temp root (root's, 0700) becomes traversable only; the copy and the scratch dir
    // are the run's uid's alone (0700): a concurrent run, with another uid, sees neither.
    await chmod(path.dirname(req.workDir), 0o711);
    await lchownTree(req.workDir, uid);
    await chmod(req.workDir, 0o700);
    await lchown(req.tmpDir, uid, uid);
    await chmod(req.tmpDir, 0o700);
    const inner = [t.setpriv, `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--no-new-privs', '--', ...req.argv];
    // A fresh uid has no other process: RLIMIT_NPROC counts exactly the run's (no cgroup needed).
    const args = [...prlimitArgs(req.limits, req.runtime, req.limits.processes, req.extraAddressSpace), '--', ...inner];
    return {
      file: t.prlimit,
      args,
      env,
      cwd: req.workDir,
      wrapperExit: false,
      uid: lease,
      mechanisms: [`uid ${uid} (its own: no other run shares it; no groups, no new privileges)`, ...common, `RLIMIT_NPROC ${req.limits.processes}`],
    };
  } catch (e) {
    await lease.release();
    throw e;
  }
};

/** Never silently run as root: the interpreter and its dirs must be reachable by the run's uid. */
export async function assertReachable(exe: string, roots: string[]): Promise<void> {
  if (!path.isAbsolute(exe)) return; // the submission itself (./main.sh), in the copy
  const bad = !(await reachableByOther(exe)) ? exe : (await firstUnreachable(roots));
  if (bad) {
    throw new SandboxUnavailableError(
      `${bad} is not reachable by an unprivileged uid (a parent folder lacks o+x, e.g. /root is 0700), and the rlimit level never runs a submission as root; ` +
        'use an interpreter outside /root (--python /usr/bin/python3, or install one under /usr/local or /opt), or use the bwrap level',
    );
  }
}

async function firstUnreachable(roots: string[]): Promise<string | null> {
  for (const r of roots) if (!(await reachableByOther(r, 0o001))) return r;
  return null;
}

async function processCount(): Promise<number> {
  return (await pidsOfUid(process.getuid?.() ?? -1)).length;
}
