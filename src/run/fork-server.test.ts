/** prlimit's flags as the fork server's setrlimit triples. */

import { rlimitsOf } from './fork-server.js';

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
