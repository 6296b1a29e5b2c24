/**
 * The forgery corpus (issue 10): programs that try to get full marks on the bundled
 * fetch-and-count without doing the work, each run through the real runner (bwrap, then rlimit)
 * under both clocks. Every one is either caught as "trace tampered" (score 0, flagged for
 * review) or simply loses points. docs/threat-model.md says what each one shows.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeOne } from '../src/batch/grade-one.js';
import { evaluateCheck } from '../src/check/index.js';
import { probeSandbox } from '../src/run/index.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import type { SubmissionResult } from '../src/score/types.js';
import type { RunRecord } from '../src/trace/types.js';
import { pool } from './virtual-helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.join(HERE, 'forgery');
const loaded = await loadSpecFile(path.join(HERE, '..', 'specs', 'fetch-and-count.yaml'));
const SPEC = loaded.spec as Spec;
const NAMED = new Set(['fetch_data', 'print_numbers']);

type Clock = 'real' | 'virtual';
interface Attack {
  name: string;
  /** What must happen: caught as tampered (reason matching), or at least these checks fail. */
  tampered?: Partial<Record<Clock, RegExp>>;
  fails?: string[];
  /** Threads (or raw writes) print while idle decoy tasks run: no line may be credited to the named coroutines. */
  decoy?: boolean;
}

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
];

/**
 * Whether the structure checks tie overlap to the lines each coroutine printed (the `structure`
 * half of issue 10): probed on a synthetic decoy trace, so a branch without that rule says so
 * instead of failing here on the other half's behalf.
 */
function overlapNeedsPrinting(): boolean {
  const check = SPEC.checks.find((c) => c.id === 'overlapping-tasks')!;
  const ev = (tMs: number, kind: string, task: number, name?: string) => ({ tMs, kind, task, ...(name ? { name } : {}) });
  const run: RunRecord = {
    exitCode: 0, signal: null, timedOut: false, truncated: false, end: 'exited', wallMs: 2500, clock: 'virtual', sandbox: { level: 'none' },
    trace: [{ tMs: 0, stream: 'stdout', text: 'start fetching', thread: 1 }, { tMs: 250, stream: 'stdout', text: '1', thread: 2 }],
    tasks: [
      ev(0, 'created', 2, 'fetch_data'), ev(0, 'created', 3, 'print_numbers'), ev(0, 'started', 2), ev(0, 'entered', 2, 'fetch_data'), ev(0, 'suspended', 2),
      ev(0, 'started', 3), ev(0, 'entered', 3, 'print_numbers'), ev(0, 'suspended', 3), ev(250, 'resumed', 3), ev(250, 'suspended', 3),
      ev(2000, 'resumed', 2), ev(2000, 'left', 2, 'fetch_data'), ev(2000, 'done', 2), ev(2500, 'resumed', 3), ev(2500, 'left', 3, 'print_numbers'), ev(2500, 'done', 3),
    ] as RunRecord['tasks'],
  };
  return evaluateCheck(SPEC, run, check).status !== 'passed';
}
const STRUCTURE_RULE = overlapNeedsPrinting();
if (!STRUCTURE_RULE) console.log('forgery: the overlap check does not yet require the named coroutines to print (structure rule of issue 10 absent): decoys are checked on their evidence only');

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
  if (a.decoy) {
    // The evidence the structure rule judges: nothing the named coroutines did printed a line.
    const credited = run.trace.filter((l) => l.coro !== undefined && NAMED.has(l.coro));
    expect(credited).toEqual([]);
    for (const l of run.trace.filter((x) => x.thread !== undefined && x.thread > 0)) expect(l.task).toBeUndefined();
    if (!STRUCTURE_RULE) return;
  }
  expect(r.score).toBeLessThan(r.maxScore);
}

const levels = (await Promise.all((['bwrap', 'rlimit'] as const).map(async (l) => ((await probeSandbox(l)).ok ? l : null)))).filter((l) => l !== null);
if (levels.length < 2) console.log(`forgery: only ${levels.join(', ') || 'no sandbox level'} available here`);

describe.each(levels)('forgery corpus at sandbox level %s', (sandbox) => {
  // bwrap runs all of them; rlimit the ones the parent's own evidence catches (the others do not depend on the level).
  const attacks = sandbox === 'bwrap' ? ATTACKS : ATTACKS.filter((a) => a.tampered);
  const results = new Map<string, SubmissionResult>();
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
  expect(line.tMs).toBeGreaterThanOrEqual(1000);
  expect(line.firstByteMs).toBeDefined();
  expect(line.tMs - line.firstByteMs!).toBeGreaterThanOrEqual(500);
}, 30_000);

test('the residual attack of docs/threat-model.md: a forger imitating the tracer from inside the process', async () => {
  // One thread, no event loop, the tap removed, every record sent through the tracer's own
  // State.send with its key, numbering and clock. Nothing the parent observes contradicts it,
  // so it still gets full marks: this test pins the documented limit (see "What remains").
  const r = await gradeOne(SPEC, path.join(CORPUS, 'forge-consistent'), { clock: 'virtual' });
  expect(r.runs[0]!.tampered).toBeUndefined();
  expect(r.score).toBe(r.maxScore);
}, 60_000);
