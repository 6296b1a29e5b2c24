/**
 * Sandbox levels, strongest first: bwrap (namespaces, nothing of the host visible but /usr and
 * the interpreter), rlimit (prlimit + own process group + a uid of its own when root), none
 * (timeouts and output caps only). `auto` takes the strongest that an honest probe accepts;
 * a root harness takes a weaker one than bwrap only with --accept-no-isolation.
 */

export { LEVELS, BWRAP_WORK, SandboxUnavailableError, type SandboxChoice, type LaunchPlan, type LaunchRequest } from './types.js';
export { probeSandbox, chooseSandbox, requireSandbox, resetSandboxProbes, type ProbeResult } from './probe.js';
export { planLaunch, disposePlan } from './plan.js';
export { closeFeed, withFeeds } from './feed.js';
export { prlimitArgs } from './flags.js';
export { ACCEPT_ENV, ACCEPT_FLAG, acceptsNoIsolation, assertIsolationPolicy, notProtected } from './policy.js';
export { RunCgroup, resetCgroups, type CgroupHost, type CgroupStats } from './cgroup.js';
export { UidLease, pidsOfUid, uidRange } from './uids.js';
export { exposedFolders, exposedToRuns, readableByOther, reachableByOther } from './reach.js';
export { isRoot } from './tools.js';
export { assertReachable } from './rlimit.js';
