/** Which inherited fds the CLI keeps open (the ones its command line names, and Node's IPC channel), and a run's stdio shield. */

import { keptFds, overlayStdio } from './inherited-fds.js';

test('a spec or --out given as /dev/fd/N or /proc/self/fd/N (alone or after =), and NODE_CHANNEL_FD, are kept', () => {
  expect([...keptFds(['grade', '/dev/fd/63', 'subs', '--out=/proc/self/fd/9/x'], { NODE_CHANNEL_FD: '5' })].sort((a, b) => a - b)).toEqual([5, 9, 63]);
});

test('anything else is not: a path that only contains /dev/fd/, a number, no channel', () => {
  expect([...keptFds(['grade', 'specs/dev/fd/3', '7', 'x/proc/self/fd/8'], {})]).toEqual([]);
});

test("a run's stdio: /dev/null at each inherited fd the spawn leaves unset; the run's own entries (channel, feeds) stay", () => {
  expect(overlayStdio(['ignore', 'pipe', 'pipe', 'pipe', 40], [3, 4, 7], 99)).toEqual(['ignore', 'pipe', 'pipe', 'pipe', 40, 'ignore', 'ignore', 99]);
  expect(overlayStdio(['ignore', 'pipe', 'pipe'], [3], 99)).toEqual(['ignore', 'pipe', 'pipe', 99]);
  expect(overlayStdio(['ignore', 'pipe', 'pipe'], [], 99)).toEqual(['ignore', 'pipe', 'pipe']);
});
