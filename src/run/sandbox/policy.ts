/**
 * Fail closed as root: a root harness runs a weaker level than bwrap only when the instructor
 * said so by name (--accept-no-isolation, or TRACEGRADE_ACCEPT_NO_ISOLATION=1 for a whole CI
 * job), and every level says in words what it does not protect.
 */

import type { SandboxLevel } from '../../trace/types.js';
import { isRoot } from './tools.js';
import { SandboxUnavailableError } from './types.js';

export const ACCEPT_FLAG = '--accept-no-isolation';
export const ACCEPT_ENV = 'TRACEGRADE_ACCEPT_NO_ISOLATION';

/**
 * What the level leaves open, as a root harness and as a normal user (see docs/sandbox.md).
 * `mechanisms` (a run's plan) says whether a memory or pids cgroup holds its processes together;
 * without a plan (the setup warning, a run that never started) the cgroup caveat is conditional.
 */
export function notProtected(level: SandboxLevel, root = isRoot(), mechanisms?: readonly string[]): string[] {
  const cgroups = root && level !== 'none' ? cgroupGaps(mechanisms) : [];
  if (level === 'bwrap') return mechanisms ? cgroups : [];
  const common = ['the network is open', 'world-readable host files are readable (the repo, specs, drivers, other submissions\' originals, reports, /etc)'];
  if (level === 'rlimit') {
    return root ? [...common, ...cgroups] : [...common, 'runs as your own user: it can read and write your files and signal your processes'];
  }
  return root
    ? ['runs as ROOT: every file, secret and process of the host is its', 'no CPU, memory, process or file-size limit']
    : ['runs as your own user: it can read and write your files and signal your processes', 'the network is open', 'no CPU, memory, process or file-size limit'];
}

/** The cgroup part of what is open, from the plan's mechanisms (planLaunch, cgroup.describe()). */
function cgroupGaps(mechanisms?: readonly string[]): string[] {
  if (!mechanisms) return ['without a writable cgroup, no memory cap over all its processes together'];
  const out: string[] = [];
  if (!mechanisms.some((m) => m.startsWith('memory cgroup'))) out.push('no memory cap over all its processes together (no writable memory cgroup)');
  if (mechanisms.some((m) => m.startsWith('processes NOT limited'))) out.push('processes NOT limited (no writable pids cgroup)');
  return out;
}

export function acceptsNoIsolation(optIn?: boolean): boolean {
  return optIn === true || process.env[ACCEPT_ENV] === '1';
}

/** Throws when a root harness would run `level` (weaker than bwrap) without the opt-in. */
export function assertIsolationPolicy(level: SandboxLevel, optIn?: boolean, why?: string): void {
  if (level === 'bwrap' || !isRoot() || acceptsNoIsolation(optIn)) return;
  throw new SandboxUnavailableError(
    `refusing to run submissions as root at the '${level}' sandbox level${why ? ` (${why})` : ''}: ${notProtected(level, true).join('; ')}. ` +
      `Install bubblewrap (apt-get install bubblewrap), or pass ${ACCEPT_FLAG} (or set ${ACCEPT_ENV}=1) to grade anyway ` +
      '(trusted submissions, or a container that is itself the sandbox)',
  );
}
