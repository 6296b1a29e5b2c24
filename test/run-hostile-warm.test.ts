/**
 * The warm pool against a hostile submission, through the whole grader (`grade` as a process,
 * --jobs 1) at every level this machine has. While submission a runs, b's sandbox is already
 * started and waiting (docs/batch.md, "The warm pool"):
 *
 * - peek_next.py looks for b's copy, b's waiting process, its environment (the channel key) and
 *   whether it can signal it. At bwrap and at rlimit as root it gets none of them; at none (no
 *   isolation, warm or cold) it finds b's files: the control that b was pre-started meanwhile.
 * - sleeper.py in flight (b waiting) when the grader gets SIGTERM: no process and no temp
 *   folder of either run is left.
 *
 * No verdict depends on timing: the peeker looks for 4 s (b starts in a fraction of that).
 */

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SandboxLevel } from '../src/trace/types.js';
import { needsLevel } from './facilities.js';
import { LEVELS, gradeAt, hostileRoot, hostileSubmission, type Graded } from './hostile-grade.js';
import { killAllWith, processesWith } from './run-helpers.js';

const isRoot = process.getuid?.() === 0;
// On whatever the machine's cores (a real-clock batch uses the pool only while --jobs leaves one free).
const WARM = { TRACEGRADE_WARM: '1' };

const SPEC = (name: string, args: string[], wall: string) => `name: ${name}
title: ${name}
run: { runtime: python, entry: main.py, clock: real, args: ${JSON.stringify(args)}, limits: { wall: ${wall} } }
checks:
  - { id: says-done, title: Prints done, points: 1, exists: done }
`;

interface Peek {
  g: Graded;
  lines: string[];
}

async function peek(level: SandboxLevel): Promise<Peek> {
  const marker = `tg-secret-${randomUUID()}`;
  const root = hostileRoot('tg-hwarm-peek-', '');
  try {
    writeFileSync(root.spec, SPEC('peek', [root.tmp, marker, '4'], '30s'));
    hostileSubmission(root, 'a-peek', 'peek_next.py');
    const next = hostileSubmission(root, 'b-next', '', "print('done')\n");
    writeFileSync(join(next, 'secret.txt'), `${marker}\n`);
    const g = await gradeAt(level, root, { flags: ['--jobs', '1', '--reporter', 'json'], env: WARM });
    const run = g.results?.submissions.find((s) => s.id === 'a-peek')?.runs[0];
    return { g, lines: run?.trace.map((l) => l.text) ?? [] };
  } finally {
    root.remove();
  }
}

interface Cancelled {
  g: Graded;
  left: number[];
  tmp: string[];
  sent: boolean;
}

/** a-slow (30 s) in flight, b-next pre-started, when the grader gets SIGTERM. */
async function cancelled(level: SandboxLevel): Promise<Cancelled> {
  const mark = `tg-marker-${randomUUID()}`;
  const root = hostileRoot('tg-hwarm-sig-', '');
  writeFileSync(root.spec, SPEC('sigw', [mark], '60s'));
  hostileSubmission(root, 'a-slow', 'sleeper.py');
  hostileSubmission(root, 'b-next', '', "print('done')\n");
  let sent = false;
  try {
    const g = await gradeAt(level, root, {
      flags: ['--jobs', '1', '--reporter', 'json'],
      env: WARM,
      killMs: 45_000,
      onSpawn: (child) => {
        let seen = 0;
        const poll = setInterval(() => {
          // Both runs' temp folders exist (b's sandbox is being started) and a's program runs.
          const dirs = existsSync(root.tmp) ? readdirSync(root.tmp).length : 0;
          if (dirs < 2 || processesWith(mark).length === 0) return;
          if (++seen < 5) return; // a few polls more: b's interpreter is up and waiting by then
          clearInterval(poll);
          sent = true;
          child.kill('SIGTERM');
        }, 100);
        child.on('close', () => clearInterval(poll));
      },
    });
    const left = processesWith(mark);
    killAllWith(mark);
    return { g, left, tmp: readdirSync(root.tmp), sent };
  } finally {
    root.remove();
  }
}

const started = new Map<SandboxLevel, Promise<{ peek: Peek; cancelled: Cancelled }>>();
beforeAll(() => {
  for (const level of LEVELS) {
    const p = (async () => ({ peek: await peek(level), cancelled: await cancelled(level) }))();
    p.catch(() => undefined); // reported by the tests that await it
    started.set(level, p);
  }
});
afterAll(async () => {
  await Promise.allSettled(started.values());
});

describe.each(['bwrap', 'rlimit', 'none'] as const)('the warm pool at the %s level', (level) => {
  const d = needsLevel(level);
  const at = () => started.get(level) ?? Promise.reject(new Error(`the ${level} level is not available here`));

  d.test("peek_next.py cannot see the pre-started next run's files, environment or processes (bwrap, rlimit as root); at none it can", async () => {
    const { g, lines } = (await at()).peek;
    // On failure, the grader's stderr and the peeker's lines say what happened.
    expect({ code: g.code, stderr: g.code === 0 ? '' : g.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    expect(lines).toContain('done'); // it looked for the whole 4 s, or until it found something
    expect(g.results!.submissions.map((s) => [s.id, s.score])).toEqual([['a-peek', 1], ['b-next', 1]]);
    const got = lines.filter((l) => /^(FOUND|ENVIRON|SIGNAL) /.test(l));
    if (level === 'bwrap') {
      expect(got).toEqual([]);
      expect(lines).toContain('peers 0'); // its own pid namespace: no other run's process at all
    } else if (level === 'rlimit' && isRoot) {
      expect(got).toEqual([]); // its own uid: b's copy is 0700 of another uid, its /proc entries too
    } else if (level === 'none') {
      // No isolation (the level says so): b's copy was there to find while a ran.
      expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^FOUND /)]));
    }
  });

  d.test('SIGTERM with a run in flight and the next one waiting: exit 143, no process and no temp folder left', async () => {
    const c = (await at()).cancelled;
    expect(c.sent).toBe(true);
    expect(c.g.code).toBe(143);
    expect(c.left).toEqual([]);
    expect(c.tmp).toEqual([]);
  });
});
