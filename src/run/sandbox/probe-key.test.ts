/** The sandbox probe's cache key: the same for every probe of one plan, another for any change that could change the answer. */

import type { Tools } from './tools.js';
import type { LaunchPlan } from './types.js';
import { sandboxProbeKey } from './probe-key.js';
import { keyOf } from '../probe-cache.js';

const tools: Tools = { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', setpriv: null, timeout: null };

function plan(dir: string, pid: number, extra: string[] = []): LaunchPlan {
  const cg = `/sys/fs/cgroup/pids/tracegrade-${pid}-1/cgroup.procs`;
  return {
    file: '/bin/sh',
    args: ['-c', `echo $$ > '${cg}' && exec "$@"`, 'sh', '/usr/bin/bwrap', '--ro-bind', `${dir}/work`, '/sub', ...extra, '--', '/usr/bin/prlimit', '--as=536870912'],
    env: { PATH: '/usr/bin:/bin' },
    cwd: `${dir}/work`,
    level: 'bwrap',
    mechanisms: [],
    applied: {},
    cgroup: null,
    uid: null,
    wrapperExit: true,
    feeds: [],
  };
}

const key = (p: LaunchPlan, dir: string, t: Tools = tools) => keyOf(sandboxProbeKey(p, dir, t));

test("one plan probed from two processes' temp folders and cgroups: one key", () => {
  expect(key(plan('/tmp/tracegrade-probe-aaa', 100), '/tmp/tracegrade-probe-aaa')).toBe(key(plan('/tmp/tracegrade-probe-bbb', 200), '/tmp/tracegrade-probe-bbb'));
});

test('another flag, another tool or another level: another key', () => {
  const base = key(plan('/tmp/p', 1), '/tmp/p');
  expect(key(plan('/tmp/p', 1, ['--disable-userns']), '/tmp/p')).not.toBe(base);
  expect(key(plan('/tmp/p', 1), '/tmp/p', { ...tools, bwrap: '/opt/bwrap' })).not.toBe(base);
  expect(key({ ...plan('/tmp/p', 1), level: 'rlimit' }, '/tmp/p')).not.toBe(base);
});
