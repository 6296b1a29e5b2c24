/**
 * tracegrade as a library (docs/library.md): the package's face, src/index.ts, and the Jest
 * matchers of src/jest/, on a bundled spec and its submissions, with real runs (virtual clock).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, explain, grade, loadSpec, run, RunPromise, SpecError, writeReports, type Spec } from '../src/index.js';
import '../src/jest/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = join(ROOT, 'specs', 'coroutine-awaited.yaml');
const REFERENCE = join(ROOT, 'submissions', 'coroutine-awaited', 'reference');
const FORGOT = join(ROOT, 'submissions', 'coroutine-awaited', 'forgot-await');
const NODE_MAIN = join(ROOT, 'submissions', 'node-event-loop', 'reference', 'main.js');
const fast = { clock: 'virtual' } as const;

let spec: Spec;
let tmp: string;
beforeAll(async () => {
  spec = await loadSpec(SPEC);
  tmp = mkdtempSync(join(tmpdir(), 'tg-library-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadSpec', () => {
  it('loads a spec file into its checks', () => {
    expect(spec.name).toBe('coroutine-awaited');
    expect(spec.checks.map((c) => c.id)).toEqual(['prints-in-order', 'waits-for-foo', 'clean-exit', 'no-warnings']);
  });

  it('throws a SpecError whose message is the positioned diagnostics, as `validate` prints them', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'checks:\n  - id: late\n    delay: { from: a, to: b, at_most: soon }\n');
    const err = await loadSpec(bad).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    const e = err as SpecError;
    expect(e.diagnostics.some((d) => d.severity === 'error' && d.line === 3)).toBe(true);
    expect(e.message).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: error: .*soon`));
    expect(e.message).toContain('   3 |     delay: { from: a, to: b, at_most: soon }');
  });
});

describe('run and check', () => {
  it('runs lazily, once, and records the timed trace that check judges', async () => {
    const r = run(REFERENCE, { spec: SPEC, ...fast });
    expect(r).toBeInstanceOf(RunPromise);
    expect(r.started).toBe(false);
    const record = await r;
    expect(r.started).toBe(true);
    expect(await r).toBe(record);
    expect(record.clock).toBe('virtual');
    expect(record.trace.map((l) => l.text)).toEqual(['tim', 'text', 'finished']);
    const outcomes = await check(spec, record);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([
      ['prints-in-order', 'passed'],
      ['waits-for-foo', 'passed'],
      ['clean-exit', 'passed'],
      ['no-warnings', 'passed'],
    ]);
  });

  it('without a spec, runs a .js file with Node; check explains a failure in words', async () => {
    const record = await run(NODE_MAIN);
    expect(record.trace.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['start', 'end', 'promise', 'timeout 0', 'timeout 500']);
    const outcomes = await check(SPEC, run(FORGOT, { spec: SPEC, ...fast }));
    const order = outcomes.find((o) => o.id === 'prints-in-order')!;
    expect(order.status).toBe('failed');
    expect(order.message).toMatch(/expected 'text' after 'tim'.*it never appears/);
  });
});

describe('grade, explain and writeReports', () => {
  it('grades submissions as the CLI does and writes its reports', async () => {
    const good = await grade(spec, REFERENCE, fast);
    const bad = await grade(SPEC, FORGOT, fast);
    expect([good.score, good.maxScore]).toEqual([6, 6]);
    expect(bad.score).toBeLessThan(bad.maxScore);
    const report = explain(bad);
    expect(report).toContain('✗ Prints "tim", then "text", then "finished"');
    expect(report).toContain('hint: Write `await foo(\'text\')`');
    expect(report).toMatch(/Score 1\/6/);

    const out = join(tmp, 'reports');
    const files = await writeReports([good, bad], { out, reporters: ['json', 'junit'] });
    expect(files).toEqual(expect.arrayContaining([join(out, 'results.json')]));
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { submissions: { id: string; score: number }[] };
    expect(results.submissions.map((s) => [s.id, s.score])).toEqual([['forgot-await', 1], ['reference', 6]]);
    const junit = files.find((f) => f.endsWith('.xml'))!;
    expect(readFileSync(junit, 'utf8')).toContain('prints-in-order');
    await expect(writeReports(good, { out, reporters: ['pdf'] })).rejects.toThrow(/unknown reporter 'pdf'/);
  });
});

describe('the Jest matchers (registered on this file\'s expect)', () => {
  it('toSatisfySpec passes a good submission and fails a bad one with the CLI report', async () => {
    await expect(run(REFERENCE, fast)).toSatisfySpec(SPEC);
    const failure = expect(run(FORGOT, fast)).toSatisfySpec(SPEC);
    await expect(failure).rejects.toThrow(/forgot-await does not satisfy coroutine-awaited: 3 of 4 checks did not pass/);
    await expect(FORGOT).not.toSatisfySpec(spec, fast);
    const cli = explain(await grade(spec, FORGOT, fast));
    const thrown = await expect(FORGOT).toSatisfySpec(spec, fast).then(() => '', (e: Error) => e.message);
    // The explanations and hints, as the CLI words them. Two runs may interleave stdout and
    // stderr differently (the same virtual instant), so trace line numbers are left out.
    const norm = (t: string) => t.replace(/line \d+/g, 'line N');
    const explanations = norm(cli).split('\n').filter((l) => /^\s+(✗|○|hint:|expected|skipped:)/.test(l));
    expect(explanations.length).toBeGreaterThan(6);
    for (const line of explanations) expect(norm(thrown)).toContain(line);
  });

  it('toPrintInOrder and toPrintWithin check a run quickly, and .not inverts them', async () => {
    const good = run(REFERENCE, { spec: SPEC, ...fast });
    await expect(good).toPrintInOrder(['tim', 'text', 'finished']);
    await expect(good).not.toPrintInOrder(['finished', 'tim']);
    await expect(good).toPrintWithin('finished', { after: 'text', about: 1, tolerance: '50ms' });
    await expect(good).toPrintWithin('tim', 0.1);
    const early = await expect(good).toPrintWithin('finished', { after: 'tim', atMost: '0.5s' }).then(() => '', (e: Error) => e.message);
    expect(early).toMatch(/reference does not print "finished" in time/);
    expect(early).toMatch(/expected 'finished' at most 500 ms after 'tim'/);
    const forgot = await expect(run(FORGOT, { spec: SPEC, ...fast })).toPrintInOrder(['tim', 'text']).then(() => '', (e: Error) => e.message);
    expect(forgot).toMatch(/expected 'text' after 'tim'/);
  });
});
