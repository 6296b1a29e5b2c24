/**
 * What a sandbox probe's answer depends on, so a positive answer can be kept in the on-disk probe
 * cache (../probe-cache.ts) instead of launching a whole sandbox on every start (~40 ms of each
 * `check`). The key holds the exact plan the probe would run (a changed flag is another key),
 * the tools' files, who we are and what this kernel allows: kernel and boot, the sysctls that
 * gate user namespaces, our capabilities, seccomp mode and user namespace, our cgroup. A
 * failure is never stored: a level that failed is probed again on the next start.
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileStamp } from '../probe-cache.js';
import type { Tools } from './tools.js';
import type { LaunchPlan } from './types.js';

const SYSCTLS = [
  '/proc/sys/kernel/random/boot_id',
  '/proc/sys/kernel/unprivileged_userns_clone',
  '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
  '/proc/sys/user/max_user_namespaces',
  '/proc/sys/user/max_net_namespaces',
  '/proc/sys/user/max_pid_namespaces',
  '/proc/sys/user/max_mnt_namespaces',
];

function readOr(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Capabilities, no_new_privs and seccomp of this process (a container's profile). */
function selfRestrictions(): string[] {
  const status = readOr('/proc/self/status') ?? '';
  return status.split('\n').filter((l) => /^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp(_filters)?):/.test(l));
}

/** Names that hold our pid (the run's cgroup, the harness's own leaf in cgroup v2) or the leased uid. */
const perProcess = (s: string): string => s.replace(/tracegrade-(harness-)?\d+(-\d+)?/g, 'tracegrade-<pid>').replace(/^--re([ug])id=\d+$/, '--re$1id=<uid>');

/**
 * The plan with the probe's own temp folder and the cgroup's per-process name taken out: what
 * stays is the flags, the tools and the limits every probe of this level runs with.
 */
function planShape(plan: LaunchPlan, tempDir: string): unknown {
  const general = (s: string) => perProcess(s.split(tempDir).join('<probe>'));
  return { file: general(plan.file), args: plan.args.map(general), env: plan.env, cgroup: plan.cgroup !== null, uid: plan.uid !== null };
}

export function sandboxProbeKey(plan: LaunchPlan, tempDir: string, t: Tools): unknown {
  return {
    level: plan.level,
    plan: planShape(plan, tempDir),
    tools: Object.entries(t).map(([name, file]) => [name, file, file && fileStamp(file)]),
    uid: process.getuid?.(),
    gid: process.getgid?.(),
    kernel: os.release(),
    sysctls: SYSCTLS.map((f) => [f, readOr(f)]),
    self: selfRestrictions(),
    userns: readOr('/proc/self/uid_map'),
    cgroup: perProcess(readOr('/proc/self/cgroup') ?? ''),
  };
}
