/**
 * draftSpec (the `record` command's pure part) on synthetic runs: every draft must load
 * without errors and pass against the runs it came from — and still fail a wrong program.
 */

import fc from 'fast-check';
import { parseSpec } from '../src/spec/load.js';
import { draftSpec, type DraftOptions } from '../src/spec/draft.js';
import { scoreSubmission } from '../src/score/score.js';
import type { Spec } from '../src/spec/types.js';
import type { RunRecord } from '../src/trace/types.js';
import { run as baseRun, trace } from '../src/check/testkit.js';

/** A run of these lines (the testkit's), ending 40 ms after the last line. */
function run(lines: Parameters<typeof trace>[0], extra: Partial<RunRecord> = {}): RunRecord {
  const t = trace(lines);
  return baseRun(t, { wallMs: (t.length ? t[t.length - 1]!.tMs : 0) + 40, ...extra });
}

/** The lesson's fetch-and-count trace, shifted by `startMs` and jittered by `jitter(i)`. */
function fetchAndCount(startMs = 45, jitter: (i: number) => number = () => 0): RunRecord {
  const lines: Array<[number, string]> = [[startMs, 'start fetching']];
  for (let i = 0; i < 10; i++) {
    if (i === 8) {
      lines.push([startMs + 1999.8 + jitter(100), 'done fetching'], [startMs + 1999.9 + jitter(100), "{'data': 1}"]);
    }
    lines.push([startMs + 0.3 + 250 * i + (i > 0 ? jitter(i) : 0), String(i)]);
  }
  lines.sort((a, b) => a[0] - b[0]);
  return run(lines, { wallMs: startMs + 2300 });
}

const SEED = Number(process.env.TRACEGRADE_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`cli-draft: fast-check seed ${SEED} (replay with TRACEGRADE_SEED=${SEED})`);

const OPTS: DraftOptions = { name: 'drafted', runtime: 'python', entry: 'main.py' };

function load(text: string): Spec {
  const r = parseSpec(text, 'drafted.yaml');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`draft does not load:\n${errors.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}\n---\n${text}`);
  return r.spec!;
}

function failedChecks(spec: Spec, runs: RunRecord[]): string[] {
  const result = scoreSubmission(spec, runs, { id: 'x', path: '/x' });
  return result.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.message}`);
}

describe('draftSpec', () => {
  test('drafts the lesson program: order, first/last, ticking series, delays, runtime, exit, stderr', () => {
    const runs = [fetchAndCount(45), fetchAndCount(60, (i) => (i % 3) - 1), fetchAndCount(50, (i) => (i % 2) * 2)];
    const text = draftSpec(runs, OPTS);
    const spec = load(text);
    const kinds = spec.checks.map((c) => c.body.kind);
    expect(kinds).toEqual(expect.arrayContaining(['order', 'first', 'last', 'every', 'delay', 'runtime', 'exit_code', 'stderr_clean']));
    const every = spec.checks.find((c) => c.body.kind === 'every')!.body as { periodMs: number; tolerance: { ms?: number } };
    expect(every.periodMs).toBe(250);
    expect(every.tolerance.ms).toBeGreaterThan(0);
    expect(every.tolerance.ms).toBeLessThan(250);
    const delay = spec.checks.find((c) => c.body.kind === 'delay' && c.body.to.pattern === 'done fetching')!.body as { aboutMs: number };
    expect(delay.aboutMs).toBe(2000);
    const order = spec.checks.find((c) => c.body.kind === 'order')!.body as { lines: Array<{ pattern: string }> };
    expect(order.lines.map((l) => l.pattern)).toEqual(['start fetching', '0', '1', '2', '3', '4', '5', '6', '7', 'done fetching', "{'data': 1}", '8', '9']);
    expect(failedChecks(spec, runs)).toEqual([]);
    // Comments say where the numbers came from, for the instructor editing the draft.
    expect(text).toMatch(/# Drafted by `tracegrade record` from 3 runs/);
    expect(text).toMatch(/# 10 lines like '0', one every/);
  });

  test('the draft fails the classic mistakes: sequential run, wrong interval', () => {
    const spec = load(draftSpec([fetchAndCount()], OPTS));
    // Sequential: fetch first (2 s), then the numbers.
    const seq: Array<[number, string]> = [[40, 'start fetching'], [2040, 'done fetching'], [2041, "{'data': 1}"]];
    for (let i = 0; i < 10; i++) seq.push([2042 + 250 * i, String(i)]);
    const failedSeq = failedChecks(spec, [run(seq, { wallMs: 4600 })]).map((m) => m.split(':')[0]);
    expect(failedSeq).toEqual(expect.arrayContaining(['output-order', 'runtime']));
    // Numbers every 0.5 s.
    const slow: Array<[number, string]> = [[40, 'start fetching']];
    for (let i = 0; i < 10; i++) slow.push([40 + 500 * i, String(i)]);
    slow.push([2040, 'done fetching'], [2041, "{'data': 1}"]);
    slow.sort((a, b) => a[0] - b[0]);
    expect(failedChecks(spec, [run(slow, { wallMs: 5100 })]).map((m) => m.split(':')[0])).toContain('ticks-every');
  });

  test('keeps only the order every run agrees on, and says so', () => {
    const a = run([[10, 'a'], [20, 'b'], [30, 'c'], [40, 'd']]);
    const b = run([[10, 'a'], [20, 'c'], [30, 'b'], [40, 'd']]);
    const text = draftSpec([a, b], OPTS);
    const spec = load(text);
    const order = spec.checks.find((c) => c.body.kind === 'order')!.body as { lines: Array<{ pattern: string }> };
    expect(order.lines).toHaveLength(3);
    expect(text).toMatch(/did not all print the same lines in the same order/);
    expect(failedChecks(spec, [a, b])).toEqual([]);
  });

  test('lines that look like regexes or aliases are matched literally', () => {
    const r = run([[10, '$HOME is /root'], [20, '/usr/bin/'], [30, 'a: b # c'], [40, '"quoted"\\']]);
    const spec = load(draftSpec([r], OPTS));
    expect(failedChecks(spec, [r])).toEqual([]);
    const other = run([[10, '$HOME is /root'], [20, '/usr/bin/x'], [30, 'a: b # c'], [40, '"quoted"\\']]);
    expect(failedChecks(spec, [other]).length).toBeGreaterThan(0);
  });

  test('an expected failure: exit code, stable stderr lines without the run-specific path', () => {
    const r = run(
      [
        [30, 'before'],
        [60, 'Traceback (most recent call last):', 'stderr'],
        [61, '  File "/tmp/tg-work-1234/main.py", line 3, in <module>', 'stderr'],
        [62, '/tmp/tg-work-1234/main.py:5: RuntimeWarning: coroutine \'main\' was never awaited', 'stderr'],
        [63, 'ValueError: boom', 'stderr'],
      ],
      { exitCode: 1 },
    );
    const text = draftSpec([r], OPTS);
    const spec = load(text);
    expect(text).not.toContain('tg-work-1234');
    expect(spec.checks.find((c) => c.body.kind === 'exit_code')!.body).toEqual({ kind: 'exit_code', code: 1 });
    expect(spec.checks.some((c) => c.body.kind === 'stderr_clean')).toBe(false);
    expect(failedChecks(spec, [r])).toEqual([]);
    // The same program in another work dir still passes.
    const moved = run(r.trace.map((l) => [l.tMs, l.text.replaceAll('tg-work-1234', 'tg-work-9'), l.stream]), { exitCode: 1 });
    expect(failedChecks(spec, [moved])).toEqual([]);
  });

  test('a short run (mostly start-up) is only bounded above: a slow recording does not fail a fast run', () => {
    // Recorded on a loaded machine: start-up took 0.8 s.
    const slow = run([[790, 'hello']], { wallMs: 800 });
    const spec = load(draftSpec([slow], OPTS));
    const rt = spec.checks.find((c) => c.body.kind === 'runtime')!.body as { aboutMs?: number; atMostMs?: number };
    expect(rt.aboutMs).toBeUndefined();
    expect(failedChecks(spec, [slow])).toEqual([]);
    expect(failedChecks(spec, [run([[40, 'hello']], { wallMs: 60 })])).toEqual([]);
    // A program that waits a second and a half before ending is not "ending at once".
    expect(failedChecks(spec, [run([[40, 'hello']], { wallMs: 1900 })]).map((m) => m.split(':')[0])).toEqual(['runtime']);
  });

  test('a ticking series jittered by a loaded machine is still drafted as `every`, and the draft passes its runs', () => {
    // 0.2 s ticks, one wake-up 55 ms late (seen when the CLI test ran beside other suites on 2 cores).
    const ticks = (late: number) => run([[40, 'start'], [45, '0'], [245, '1'], [445 + late, '2'], [645, '3'], [845, 'done']]);
    const runs = [ticks(55), ticks(0)];
    const text = draftSpec(runs, OPTS);
    expect(text).toMatch(/every: \{ line: "[^"]+", period: 200ms, tolerance: \d+ms \}/);
    expect(failedChecks(load(text), runs)).toEqual([]);
    // Irregular beyond half the period: left to the instructor.
    expect(draftSpec([ticks(120), ticks(0)], OPTS)).not.toContain('every:');
  });

  test('no output at all still drafts a valid spec', () => {
    const r = run([]);
    const spec = load(draftSpec([r], OPTS));
    expect(failedChecks(spec, [r])).toEqual([]);
  });

  test("property: any program's draft loads and passes against its own runs", () => {
    const line = fc.oneof(fc.constantFrom('tick', 'done', '0', '1', '$x', '/r/', 'a: b', ''), fc.string({ maxLength: 12 }));
    const events = fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), line, fc.constantFrom('stdout' as const, 'stdout' as const, 'stderr' as const)), {
      maxLength: 25,
    });
    fc.assert(
      fc.property(events, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 255 }), (evs, n, code) => {
        let t = 30;
        const lines: Array<[number, string, 'stdout' | 'stderr']> = evs.map(([gap, text, stream]) => [(t += gap), text, stream]);
        // n runs of the same program with small timing noise.
        const runs = Array.from({ length: n }, (_, k) =>
          run(lines.map(([tt, text, s], i) => [tt + ((i * 7 + k * 3) % 5), text, s]), { exitCode: code }),
        );
        const spec = load(draftSpec(runs, OPTS));
        expect(failedChecks(spec, runs)).toEqual([]);
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});
