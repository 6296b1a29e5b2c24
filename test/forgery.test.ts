/**
 * The forgery corpus (issue 10): programs that try to get full marks on the bundled
 * fetch-and-count without doing the work, each run through the real runner (bwrap, then rlimit)
 * under both clocks. Every one is either caught as "trace tampered" (score 0, flagged for
 * review) or simply loses points: none gets full marks. docs/threat-model.md says what each one
 * shows, and what remains possible.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeOne } from '../src/batch/grade-one.js';
import { probeSandbox } from '../src/run/index.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import type { SubmissionResult } from '../src/score/types.js';
import { pool } from './virtual-helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.join(HERE, 'forgery');
const loaded = await loadSpecFile(path.join(HERE, '..', 'specs', 'fetch-and-count.yaml'));
const SPEC = loaded.spec as Spec;
const NAMED = new Set(['fetch_data', 'print_numbers']);
/** The lines the spec grades by who printed them ($start, $done, $number). */
const GRADED = /^(start fetching|done fetching|\d)$/;

type Clock = 'real' | 'virtual';
interface Attack {
  name: string;
  /** What must happen: caught as tampered (reason matching), or at least these checks fail. */
  tampered?: Partial<Record<Clock, RegExp>>;
  fails?: string[];
  /** Threads (or raw writes) print while idle decoy tasks run: no line may be credited to the named coroutines. */
  decoy?: boolean;
  /** Also at the rlimit level (where the process tree, not only the tracer, is in play). */
  rlimit?: boolean;
  /** The loop-never-blocked failure rests on the parent's own reading of the stack. */
  parentBlocks?: boolean;
}

// The graded lines come from somewhere else while fetch_data and print_numbers each print one
// throwaway line and overlap for real: `by:` on $start, $done and $number leaves the ordering
// and timing checks nothing of theirs to grade.
const ELSEWHERE = ['starts-fetching', 'numbers-tick', 'fetch-takes-two-seconds'];

const ATTACKS: Attack[] = [
  { name: 'forge-fd-records', tampered: { real: /numbered \d+ then 1000/, virtual: /numbered \d+ then 1000/ } },
  { name: 'forge-state-send', tampered: { real: /reported the stdout line "start fetching", which the parent did not capture/, virtual: /did not capture/ } },
  { name: 'forge-silent-tap', tampered: { real: /end record counts 0 threads, but 2 were announced/, virtual: /end record counts 0 threads, but 2 were announced/ } },
  // Virtual: the clock's watchdog may be a third thread when the parent samples (without an end
  // record the parent allows one): 2 or 3 are seen, both more than the 0 reported.
  { name: 'forge-no-end', tampered: { real: /parent saw 2 threads .* the tracer reported 0/, virtual: /parent saw [23] threads .* the tracer reported 0/ } },
  // Real clock: the hand-set clock is ignored and everything arrives at once.
  { name: 'forge-virtual-times', tampered: { virtual: /claims virtual time 0\.25 s, but the parent's clock was at 0 s/ }, fails: ['fetch-takes-two-seconds'] },
  // One stream: a line held open glues the lines printed meanwhile onto it (see the e2e test below).
  { name: 'backdate-partial', fails: ['counts-to-nine'] },
  { name: 'patched-asyncio', fails: ['overlapping-tasks'] },
  { name: 'orphan-child', fails: ['counts-to-nine'] },
  { name: 'thread-decoy', decoy: true },
  { name: 'replaced-stdout', decoy: true },
  { name: 'raw-fd-write', decoy: true },
  { name: 'hybrid', decoy: true, fails: ELSEWHERE },
  { name: 'stdout-swap', decoy: true, fails: ELSEWHERE },
  { name: 'callsoon', decoy: true, fails: ELSEWHERE },
  { name: 'subproc', decoy: true, fails: ELSEWHERE, rlimit: true },
  { name: 'fork', decoy: true, fails: ELSEWHERE, rlimit: true },
  // An exact imitation of the tracer's records from inside the process: the parent's witness
  // reads the writer's stack. Sent like the tracer's own unattributed records, they skipped the
  // witness; sent as witness requests, the stack has no fetch_data or print_numbers on it.
  { name: 'forge-consistent', tampered: { real: /names a task or coroutine but was not sent for the parent's witness/, virtual: /was not sent for the parent's witness/ } },
  { name: 'forge-witnessed', tampered: { real: /"start fetching" was reported as printed by fetch_data, but the parent saw no coroutine/, virtual: /reported as printed by fetch_data, but the parent saw no coroutine/ } },
  // The coroutines print their own lines, stepped by hand with time.sleep between: no event-loop
  // step below them, so their lines count for nobody.
  { name: 'hand-driven', decoy: true, fails: [...ELSEWHERE, 'overlapping-tasks'] },
  // Real tasks, blocking time.sleep ticks, the tracer's blocking reports silenced: the parent sees
  // the waits inside print_numbers's steps in the stack itself.
  { name: 'blocking-hidden', fails: ['loop-never-blocked'], parentBlocks: true },
  // A thread writes the numbers; print_numbers, a real task, claims each from inside its own step
  // after taking it from a queue: the claims stand, but the loop sits blocked in that step.
  { name: 'queue-claims', fails: ['loop-never-blocked'] },
];

function expectCaught(a: Attack, clock: Clock, r: SubmissionResult): void {
  const run = r.runs[0]!;
  const why = a.tampered?.[clock];
  if (why) {
    expect(run.tampered).toMatch(why);
    expect(r.score).toBe(0);
    expect(r.tampered).toBe(run.tampered);
    expect(r.error).toMatch(/^trace tampered \(score 0, flagged for review\): /);
    return;
  }
  expect(run.tampered).toBeUndefined();
  for (const id of a.fails ?? []) expect([id, r.checks.find((c) => c.id === id)?.status]).toEqual([id, 'failed']);
  if (a.parentBlocks) expect(r.checks.find((c) => c.id === 'loop-never-blocked')!.message).toMatch(/print_numbers\(\) waited \d+ ms inside a task step without awaiting \(a blocking call, seen by the parent/);
  if (a.decoy) {
    // The evidence `by:` and the overlap rule judge: no graded line is credited to the named coroutines.
    const credited = run.trace.filter((l) => GRADED.test(l.text) && l.coro !== undefined && NAMED.has(l.coro));
    expect(credited).toEqual([]);
    for (const l of run.trace.filter((x) => x.thread !== undefined && x.thread > 0)) expect(l.task).toBeUndefined();
  }
  expect(r.score).toBeLessThan(r.maxScore);
}

/** The first level's results, for the tests after the corpus. */
const RESULTS = new Map<string, SubmissionResult>();
const levels = (await Promise.all((['bwrap', 'rlimit'] as const).map(async (l) => ((await probeSandbox(l)).ok ? l : null)))).filter((l) => l !== null);
if (levels.length < 2) console.log(`forgery: only ${levels.join(', ') || 'no sandbox level'} available here`);

describe.each(levels)('forgery corpus at sandbox level %s', (sandbox) => {
  // bwrap runs all of them; rlimit the ones the parent's own evidence catches and the ones that
  // start processes (the others do not depend on the level).
  const attacks = sandbox === 'bwrap' ? ATTACKS : ATTACKS.filter((a) => a.tampered || a.rlimit);
  const results = sandbox === levels[0] ? RESULTS : new Map<string, SubmissionResult>();
  beforeAll(async () => {
    const jobs = attacks.flatMap((a) =>
      (['real', 'virtual'] as const).map((clock) => async () => {
        results.set(`${a.name}/${clock}`, await gradeOne(SPEC, path.join(CORPUS, a.name), { sandbox, clock }));
      }),
    );
    await pool(jobs, 2);
  }, 240_000);

  test.each(attacks.flatMap((a) => (['real', 'virtual'] as const).map((clock) => [a.name, clock, a] as const)))('%s (%s clock) does not get full marks', (_n, clock, a) => {
    expectCaught(a, clock, results.get(`${a.name}/${clock}`)!);
  });
});

test('real clock, end to end: a line written one byte early and the rest a second later is stamped at its end', async () => {
  const { runSubmission } = await import('../src/run/index.js');
  const r = await runSubmission({
    submission: path.join(CORPUS, 'backdate-partial', 'one-line.py'),
    settings: { runtime: 'python', entry: 'one-line.py', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all', traceTasks: true },
    sandbox: levels[0] ?? 'none',
  });
  const line = r.trace.find((l) => l.text === "{'data': 1}")!;
  expect(line.partial).toBeUndefined();
  // Stamped at its end, a second after its first byte (times count from the start marker, whose
  // own arrival may lag the program's first write by a few ms on a loaded machine).
  expect(line.firstByteMs).toBeDefined();
  expect(line.tMs - line.firstByteMs!).toBeGreaterThanOrEqual(900);
}, 30_000);

(levels.length ? test : test.skip)('a line a coroutine printed while no event loop ran it is explained as such', async () => {
  // Graded in the corpus at bwrap; the rlimit level (no bwrap here) leaves it out of its subset.
  const r = RESULTS.get('hand-driven/virtual') ?? (await gradeOne(SPEC, path.join(CORPUS, 'hand-driven'), { sandbox: levels[0], clock: 'virtual' }));
  const start = r.checks.find((c) => c.id === 'starts-fetching')!;
  expect(start.message).toMatch(/was printed by fetch_data, but while no asyncio event loop was running it/);
  expect(r.runs[0]!.trace.find((l) => l.text === 'start fetching')!.unstepped).toBe('fetch_data');
}, 60_000);

test('a forked child cannot use the tracer\'s channel: its fd is closed in the child, and what the child prints is nobody\'s work', async () => {
  const { runSubmission } = await import('../src/run/index.js');
  const { evaluateChecks } = await import('../src/check/index.js');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-fork-'));
  writeFileSync(path.join(dir, 'main.py'), [
    'import asyncio, os',
    'from _tracegrade import boot',
    'fd = boot.STATE.chan._fd  # what a forger reads from memory',
    'async def print_numbers():',
    '    pid = os.fork()',
    '    if pid == 0:',
    '        print("child line", flush=True)',
    '        try:',
    '            os.fstat(fd)',
    '            print("child: channel open", flush=True)',
    '        except OSError:',
    '            print("child: channel closed", flush=True)',
    '        os._exit(0)',
    '    await asyncio.to_thread(os.waitpid, pid, 0)',
    '    print("parent line")',
    'asyncio.run(print_numbers())',
    '',
  ].join('\n'));
  const spec = (await import('../src/spec/load.js')).parseSpec(
    'run: { runtime: python }\nchecks:\n  - { id: child, exists: { text: child line, by: print_numbers } }\n  - { id: parent, exists: { text: parent line, by: print_numbers } }\n', 'fork.yaml',
  ).spec!;
  try {
    for (const clock of ['real', 'virtual'] as const) {
      const r = await runSubmission({ submission: dir, settings: { ...spec.run, clock }, sandbox: levels[0] ?? 'none' });
      expect([clock, r.tampered]).toEqual([clock, undefined]);
      expect(r.trace.map((l) => l.text)).toEqual(['child line', 'child: channel closed', 'parent line']);
      const child = r.trace[0]!;
      expect([child.task, child.coro, child.thread]).toEqual([undefined, undefined, undefined]);
      expect(r.trace[2]!.coro).toBe('print_numbers');
      const out = evaluateChecks(spec, r);
      expect(out.map((o) => o.status)).toEqual(['failed', 'passed']);
      expect(out[0]!.message).toMatch(/was written where the task tracer does not see it/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
