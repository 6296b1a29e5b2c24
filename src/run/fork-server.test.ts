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

test("forkable: only the server's own flags, the tracer's PYTHONPATH and the server's locale; a seed, a spec's PYTHONPATH, PYTHONWARNINGS or locale start cold", () => {
  const base = { LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '/opt/tracegrade/0', TRACEGRADE_CLOCK: 'virtual' };
  expect(forkable(base, '/opt/tracegrade/0')).toBe(true);
  expect(forkable({ ...base, PYTHONHASHSEED: '7' }, '/opt/tracegrade/0')).toBe(false);
  expect(forkable({ ...base, PYTHONPATH: '/opt/tracegrade/0:/work/lib' }, '/opt/tracegrade/0')).toBe(false);
  expect(forkable({ ...base, PYTHONWARNINGS: 'error' }, '/opt/tracegrade/0')).toBe(false);
  // The interpreter picks its stdio encoding from the locale at start-up.
  expect(forkable({ ...base, LANG: 'C' }, '/opt/tracegrade/0')).toBe(false);
  expect(forkable({ ...base, LC_ALL: 'C' }, '/opt/tracegrade/0')).toBe(false);
  expect(forkable({ ...base, LC_CTYPE: 'C.UTF-8' }, '/opt/tracegrade/0')).toBe(false);
});
