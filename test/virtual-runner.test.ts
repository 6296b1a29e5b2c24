/**
 * The virtual clock through the real runner (src/run): env, PYTHONPATH, fd 3 and the merge
 * all wired as in production, at every sandbox level (bwrap binds the runtime dir read-only after its tmpfs mounts).
 */

import { runSubmission } from '../src/run/index.js';
import path from 'node:path';
import { needsLevel } from './facilities.js';
import { FIXTURES, fixturePath, rows, settings } from './virtual-helpers.js';

const FETCH_ROWS = [[0, 'start fetching'], ...Array.from({ length: 8 }, (_, i) => [i * 250, String(i)]), [2000, 'done fetching'], [2000, "{'data': 1}"], [2000, '8'], [2250, '9']];

for (const sandbox of ['bwrap', 'rlimit', 'none'] as const) needsLevel(sandbox).describe(`runner at sandbox level ${sandbox}`, () => {
  test('fetch-and-count under the virtual clock: exact times, tasks traced', async () => {
    const r = await runSubmission({ submission: fixturePath('fetch.py'), settings: settings({ clock: 'virtual' }), sandbox });
    expect(r.sandbox.level).toBe(sandbox);
    expect(r.clockFallback).toBeUndefined();
    expect(r.clock).toBe('virtual');
    expect(rows(r)).toEqual(FETCH_ROWS);
    expect(r.wallMs).toBe(2500);
    expect(r.realWallMs).toBeLessThan(2500);
    expect((r.tasks ?? []).filter((e) => e.kind === 'created').map((e) => e.name)).toEqual(['main', 'fetch_data', 'print_numbers']);
  });

  test('a deadlock ends at once, as the wall-time limit would', async () => {
    const r = await runSubmission({ submission: path.join(FIXTURES, 'deadlock.py'), settings: settings({ clock: 'virtual', limits: { wallMs: 4000 } }), sandbox });
    expect(r.end).toBe('deadlock');
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(r.wallMs).toBe(4000);
    expect(r.realWallMs).toBeLessThan(4000);
  });
});
