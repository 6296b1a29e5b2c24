/** prlimit's flags as the fork server's setrlimit triples; which environments can be forked. */

import { forkable, rlimitsOf } from './fork-server.js';

test('each --name=soft[:hard] becomes [name, soft, hard]; anything else is left out', () => {
  expect(rlimitsOf(['--as=536870912', '--cpu=5:6', '--fsize=16777216', '--nofile=256', '--core=0', '--nproc=64', '--', 'x'])).toEqual([
    ['as', 536870912, 536870912],
    ['cpu', 5, 6],
    ['fsize', 16777216, 16777216],
    ['nofile', 256, 256],
    ['core', 0, 0],
    ['nproc', 64, 64],
  ]);
});

test("forkable: only the server's own flags and the tracer's PYTHONPATH; a seed, a spec's PYTHONPATH or PYTHONWARNINGS start cold", () => {
  const base = { LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '/opt/tracegrade/0', TRACEGRADE_CLOCK: 'virtual' };
  expect(forkable(base, '/opt/tracegrade/0')).toBe(true);
  expect(forkable({ ...base, PYTHONHASHSEED: '7' }, '/opt/tracegrade/0')).toBe(false);
  expect(forkable({ ...base, PYTHONPATH: '/opt/tracegrade/0:/work/lib' }, '/opt/tracegrade/0')).toBe(false);
  expect(forkable({ ...base, PYTHONWARNINGS: 'error' }, '/opt/tracegrade/0')).toBe(false);
});
