/**
 * Drafts of programs that print what they measured ("took 1.50 s") or blank-looking lines:
 * the draft must give its own reference full marks when the reference runs again (its numbers
 * differ run to run), and still fail a program that prints a wrong measurement.
 */

import { execa } from 'execa';
import fc from 'fast-check';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { project } from './cli-helpers.js';
import { draftSpec, type DraftOptions } from '../src/spec/draft.js';
import { parseSpec } from '../src/spec/load.js';
import { scoreSubmission } from '../src/score/score.js';
import type { Spec } from '../src/spec/types.js';
import type { RunRecord } from '../src/trace/types.js';
import { run as baseRun, trace } from '../src/check/testkit.js';

const OPTS: DraftOptions = { name: 'drafted', runtime: 'python', entry: 'main.py' };
const SEED = Number(process.env.TRACEGRADE_SEED ?? Math.floor(Math.random() * 2 ** 31));
// Printed so a failure can be replayed: TRACEGRADE_SEED=<seed> npx jest test/draft-measured.test.ts
console.log(`draft-measured: fast-check seed ${SEED} (replay with TRACEGRADE_SEED=${SEED})`);

function run(lines: Parameters<typeof trace>[0], extra: Partial<RunRecord> = {}): RunRecord {
  const t = trace(lines);
  return baseRun(t, { wallMs: (t.length ? t[t.length - 1]!.tMs : 0) + 40, ...extra });
}

function load(text: string): Spec {
  const r = parseSpec(text, 'drafted.yaml');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`draft does not load:\n${errors.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}\n---\n${text}`);
  return r.spec!;
}

const failures = (spec: Spec, runs: RunRecord[]): string[] =>
  scoreSubmission(spec, runs, { id: 'x', path: '/x' }).checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.message}`);

/** The timer program: start, a 1.5 s wait, then "took 1.50 s" — as measured that run. */
const timer = (took: number, wait = took * 1000): RunRecord =>
  run([[40, 'start'], [40 + wait, `took ${took.toFixed(2)} s`], [41 + wait, 'bye']], { wallMs: 80 + wait });

test('"took 1.50 s" becomes a pattern plus a value check: the reference passes again with other numbers', () => {
  const text = draftSpec([timer(1.5)], OPTS);
  const spec = load(text);
  expect(text).not.toContain('"took 1.50 s"');
  expect(spec.checks.some((c) => c.body.kind === 'value')).toBe(true);
  expect(failures(spec, [timer(1.5)])).toEqual([]);
  // The same reference, graded again: it measured 1.53 s this time.
  expect(failures(spec, [timer(1.53)])).toEqual([]);
  // A program that measured (and waited) 3 s is not that program.
  expect(failures(spec, [timer(3.0)]).length).toBeGreaterThan(0);
});

test('numbers that differ between runs are measured too, even without a unit', () => {
  const a = run([[40, 'start'], [100, 'elapsed 1502'], [110, 'done']]);
  const b = run([[40, 'start'], [100, 'elapsed 1497'], [110, 'done']]);
  const spec = load(draftSpec([a, b], OPTS));
  expect(failures(spec, [a, b])).toEqual([]);
  expect(failures(spec, [run([[40, 'start'], [100, 'elapsed 1499'], [110, 'done']])])).toEqual([]);
});

test('whitespace-only stdout lines do not break the draft ("prints nothing" holds for them)', () => {
  const blanks = run([[40, ' '], [50, '\t']]);
  const spec = load(draftSpec([blanks], OPTS));
  expect(failures(spec, [blanks])).toEqual([]);
});

test('numbers that are not times get a pattern only: a random id or memory size passes its own draft again', () => {
  const prog = (id: number, kb: number, wall = 300) =>
    run([[40, 'start'], [60, `id=${id}`], [250, `memory ${kb} KB`], [260, 'done']], { wallMs: wall });
  for (const recorded of [[prog(4821, 175)], [prog(4821, 175), prog(77, 901)]]) {
    const text = draftSpec(recorded, OPTS);
    const spec = load(text);
    expect(text).not.toMatch(/about: 175|value:/);
    expect(failures(spec, recorded)).toEqual([]);
    for (const [id, kb] of [[9, 3], [123456, 99999], [4821, 175.5]] as const) expect(failures(spec, [prog(id, kb)])).toEqual([]);
  }
});

test('the runtime is an upper bound with headroom for start-up: a slow re-run of a 1.18 s program passes', () => {
  const prog = (startup: number) => run([[startup, 'start'], [startup + 1000, 'done']], { wallMs: startup + 1040 });
  const spec = load(draftSpec([prog(140)], OPTS));
  const rt = spec.checks.find((c) => c.body.kind === 'runtime')!.body as { aboutMs?: number; atMostMs?: number };
  expect(rt.aboutMs).toBeUndefined();
  // Start-up took 0.8 s under load instead of 0.14 s.
  expect(failures(spec, [prog(800)])).toEqual([]);
  // A program that runs twice as long as it should is still caught.
  expect(failures(spec, [run([[140, 'start'], [1140, 'done']], { wallMs: 3500 })]).map((m) => m.split(':')[0])).toEqual(['runtime']);
});

test(`property (seed ${SEED}): a draft gives its own reference full marks, recorded and re-run under load`, () => {
  const word = fc.constantFrom('tick', 'done', 'start', '$x', '/r/', 'a: b', '', ' ', '\t', '  x ');
  // %t: a time the program measured (a loaded re-run stretches it by up to ±20 %);
  // %r: a number of no meaning across runs (an id, a memory size): fully random every run — an
  // integer of 3 to 9 digits or a fraction (small integers several runs printed alike are constants).
  const measured = fc.tuple(
    fc.constantFrom('took %t s', 'elapsed: %t ms', 'step %r done in %ts', 'avg %r', 'id=%r', 'memory %r KB', 'pid %r took %t ms'),
    fc.double({ min: 0, max: 500, noNaN: true }),
  );
  const line = fc.oneof(word, fc.string({ maxLength: 8 }), measured.map(([f, v]) => ({ f, v })));
  const events = fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), line, fc.constantFrom('stdout' as const, 'stdout' as const, 'stderr' as const)), { maxLength: 20 });
  const randomValue = (r: () => number): string => (r() < 0.5 ? String(100 + Math.floor(r() * 10 ** (2 + Math.floor(r() * 8)))) : (r() * 1000).toFixed(1 + Math.floor(r() * 3)));
  fc.assert(
    fc.property(events, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer(), (evs, n, code, seed) => {
      // A small deterministic generator for the jitter and random values (replayable by the seed).
      let x = seed >>> 0 || 1;
      const rnd = (): number => ((x = (x * 1103515245 + 12345) >>> 0), x / 2 ** 32);
      const render = (l: string | { f: string; v: number }, stretch: number): string =>
        typeof l === 'string' ? l : l.f.replaceAll('%t', (l.v * stretch).toFixed(2)).replaceAll('%r', () => randomValue(rnd));
      /** Run k: the recorded runs differ by 1 %; the re-run (`load`) stretches every gap and measured time by ±20 %. */
      const runOf = (k: number, load = false): RunRecord => {
        let t = 30;
        const lines: Array<[number, string, 'stdout' | 'stderr']> = evs.map(([gap, l, s], i) => {
          const f = load ? 0.8 + 0.4 * rnd() : 1;
          return [(t += gap * f) + ((i * 7 + k * 3) % 5), render(l, load ? 0.8 + 0.4 * rnd() : 1 + 0.01 * k), s];
        });
        const last = lines.length ? lines[lines.length - 1]![0] : 0;
        return run(lines, { exitCode: code, wallMs: last + (load ? 40 + 400 * rnd() : 40) });
      };
      const recorded = Array.from({ length: n }, (_, k) => runOf(k));
      const spec = load(draftSpec(recorded, OPTS));
      expect(failures(spec, recorded)).toEqual([]);
      // The reference graded again later, on a loaded grader: other random numbers, stretched times.
      expect(failures(spec, [runOf(n, true)])).toEqual([]);
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('end to end: `record --runs 2` of a program printing its own elapsed time and a random id, then `check` of that program: full marks', async () => {
  const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'tracegrade.js');
  const d = await project({
    'ref/main.py':
      'import asyncio, random, time\n\nasync def main():\n    t = time.perf_counter()\n    print("start")\n    print(f"id={random.randrange(10**6)}")\n    await asyncio.sleep(1.0)\n' +
      '    print(f"took {time.perf_counter() - t:.2f} s")\n    print("bye")\n\nasyncio.run(main())\n',
  });
  try {
    const rec = await execa(process.execPath, [bin, 'record', 'ref', '--runs', '2', '--out', 'spec.yaml'], { cwd: d, reject: false });
    expect(rec.exitCode).toBe(0);
    const draft = await readFile(join(d, 'spec.yaml'), 'utf8');
    expect(draft).toMatch(/value: \{ line: "\/\^took /);
    expect(draft).toMatch(/runtime: \{ at_most: /);
    const chk = await execa(process.execPath, [bin, 'check', 'ref', '--spec', 'spec.yaml'], { cwd: d, reject: false, env: { NO_COLOR: '1' } });
    expect(chk.stdout).toMatch(/All \d+ visible checks pass/);
    expect(chk.exitCode).toBe(0);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
}, 60_000);
