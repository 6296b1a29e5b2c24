/** notProtected is built from the run's plan: a memory cgroup in its mechanisms is not reported missing. */

import { sandboxInfo } from '../record.js';
import type { LaunchPlan } from './types.js';
import { notProtected } from './policy.js';

const WITH_CGROUP = ['uid 60001 (its own: no other run shares it; no groups, no new privileges)', 'pids cgroup (max 64)', 'memory cgroup v1 (max 1.6 GiB, all its processes together)'];
const WITHOUT = ['uid 60001 (its own: no other run shares it; no groups, no new privileges)', 'RLIMIT_NPROC 64'];

describe('notProtected from the plan', () => {
  test('rlimit as root with a memory cgroup: no "no memory cap" caveat', () => {
    const open = notProtected('rlimit', true, WITH_CGROUP);
    expect(open).toContain('the network is open');
    expect(open.join('; ')).not.toMatch(/memory cap/);
  });

  test('rlimit as root without one: says the memory cap is missing, as a fact', () => {
    expect(notProtected('rlimit', true, WITHOUT)).toContain('no memory cap over all its processes together (no writable memory cgroup)');
  });

  test('bwrap as root: nothing open with cgroups; without, the missing caps', () => {
    expect(notProtected('bwrap', true, WITH_CGROUP)).toEqual([]);
    expect(notProtected('bwrap', true, ['user namespace', 'processes NOT limited (root without a writable pids cgroup)'])).toEqual([
      'no memory cap over all its processes together (no writable memory cgroup)',
      'processes NOT limited (no writable pids cgroup)',
    ]);
  });

  test('without a plan (the setup warning): conditional; a normal user: no cgroup talk', () => {
    expect(notProtected('rlimit', true)).toContain('without a writable cgroup, no memory cap over all its processes together');
    expect(notProtected('rlimit', false, WITHOUT).join('; ')).not.toMatch(/cgroup/);
  });

  test('the record uses the plan', () => {
    const plan = { mechanisms: WITH_CGROUP, applied: {} } as unknown as LaunchPlan;
    expect(sandboxInfo({ level: 'rlimit' }, plan).notProtected!.join('; ')).not.toMatch(/memory cap/);
  });
});
