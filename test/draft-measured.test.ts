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

test(`property (seed ${SEED}): a draft gives its own reference full marks, recorded and re-run`, () => {
  const word = fc.constantFrom('tick', 'done', 'start', '$x', '/r/', 'a: b', '', ' ', '\t', '  x ');
  const measured = fc.tuple(fc.constantFrom('took %s s', 'elapsed: %s ms', 'step %s done in %ss', 'avg %s'), fc.double({ min: 0, max: 500, noNaN: true }));
  const line = fc.oneof(word, fc.string({ maxLength: 8 }), measured.map(([f, v]) => ({ f, v })));
  const events = fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), line, fc.constantFrom('stdout' as const, 'stdout' as const, 'stderr' as const)), { maxLength: 20 });
  const render = (l: string | { f: string; v: number }, k: number): string =>
    typeof l === 'string' ? l : l.f.replaceAll('%s', (l.v * (1 + 0.01 * k)).toFixed(2));
  fc.assert(
    fc.property(events, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), (evs, n, code) => {
      const runOf = (k: number): RunRecord => {
        let t = 30;
        return run(evs.map(([gap, l, s], i) => [(t += gap) + ((i * 7 + k * 3) % 5), render(l, k), s]), { exitCode: code });
      };
      const recorded = Array.from({ length: n }, (_, k) => runOf(k));
      const spec = load(draftSpec(recorded, OPTS));
      expect(failures(spec, recorded)).toEqual([]);
      // The reference graded again later: its measured numbers moved by 1 % again.
      expect(failures(spec, [runOf(n)])).toEqual([]);
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('end to end: `record` of a program printing its own elapsed time, then `check` of that program: full marks', async () => {
  const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'tracegrade.js');
  const d = await project({
    'ref/main.py':
      'import asyncio, time\n\nasync def main():\n    t = time.perf_counter()\n    print("start")\n    await asyncio.sleep(1.0)\n' +
      '    print(f"took {time.perf_counter() - t:.2f} s")\n    print("bye")\n\nasyncio.run(main())\n',
  });
  try {
    const rec = await execa(process.execPath, [bin, 'record', 'ref', '--runs', '1', '--out', 'spec.yaml'], { cwd: d, reject: false });
    expect(rec.exitCode).toBe(0);
    expect(await readFile(join(d, 'spec.yaml'), 'utf8')).toMatch(/value: \{ line: "\/\^took /);
    const chk = await execa(process.execPath, [bin, 'check', 'ref', '--spec', 'spec.yaml'], { cwd: d, reject: false, env: { NO_COLOR: '1' } });
    expect(chk.stdout).toMatch(/All \d+ visible checks pass/);
    expect(chk.exitCode).toBe(0);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
}, 60_000);
