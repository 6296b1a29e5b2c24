/**
 * The warm pool when uids run short (rlimit as root: one uid of its own per run, from
 * TRACEGRADE_UID_RANGE). A pre-start that finds no free uid — the run in flight holds the only
 * one — must not stop the batch: that run is staged again, cold, at its turn, when the uid is
 * free. Three submissions through the whole CLI with a range of one uid, --jobs 1, virtual
 * clock (the pool keeps two runs ready then): every one graded, no "no free uid".
 */

import { needsLevel } from './facilities.js';
import { gradeAt, hostileRoot, hostileSubmission } from './hostile-grade.js';

const isRoot = process.getuid?.() === 0;
// Outside the default range (60000-60999) that the other tests' runs take uids from.
const ONE_UID = '61950-61950';

const SPEC = `name: uids
title: uids
run: { runtime: python, entry: main.py, clock: virtual }
checks:
  - { id: says-done, title: Prints done, points: 1, exists: done }
`;

const d = isRoot ? needsLevel('rlimit') : { test: test.skip };

d.test('with one uid for the whole batch, every submission is graded: a pre-start that found none starts cold at its turn', async () => {
  const root = hostileRoot('tg-warm-uids-', SPEC);
  try {
    for (const id of ['a', 'b', 'c']) hostileSubmission(root, id, '', "import asyncio\nasyncio.run(asyncio.sleep(1))\nprint('done')\n");
    const g = await gradeAt('rlimit', root, { flags: ['--jobs', '1', '--reporter', 'json'], env: { TRACEGRADE_UID_RANGE: ONE_UID } });
    expect({ code: g.code, stderr: g.code === 0 ? '' : g.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    expect(g.results!.submissions.map((s) => [s.id, s.score, s.error ?? null])).toEqual([
      ['a', 1, null],
      ['b', 1, null],
      ['c', 1, null],
    ]);
  } finally {
    root.remove();
  }
}, 60_000);
