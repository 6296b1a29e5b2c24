import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { gradescopeReporter, toGradescope } from '../src/report/gradescope.js';
import { classResults, crash, flaky, garbage, lateDone, noEntry, reference, singleResults, timeout } from './fixtures/results/fetch-and-count.js';
import { FIXTURES, cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

// ajv is CommonJS: under ESM its class is the default export's `default`.
type AjvClass = typeof AjvModule.default;
const Ajv: AjvClass = (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);
const schema = JSON.parse(readFileSync(join(FIXTURES, 'gradescope-results.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f]/;

describe('Gradescope results.json', () => {
  test('every fixture submission validates against the autograder schema', () => {
    for (const s of classResults().submissions) {
      const doc = toGradescope(s);
      const ok = validate(JSON.parse(JSON.stringify(doc)));
      expect({ id: s.id, errors: validate.errors ?? null }).toEqual({ id: s.id, errors: null });
      expect(ok).toBe(true);
    }
  });

  test('a tampered trace validates too: score 0, flagged for review', () => {
    const s = reference();
    s.runs[0]!.tampered = 'forged start marker';
    const doc = toGradescope(s);
    expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(true);
    expect(doc).toMatchObject({ score: 0, extra_data: { tampered: 'forged start marker', flagged_for_review: true } });
  });

  test('score, tests and visibility mirror the results', () => {
    const doc = toGradescope(lateDone());
    expect(doc.score).toBe(9);
    expect(doc.execution_time).toBe(2.724);
    expect(doc.tests).toHaveLength(9);
    expect(doc.tests.reduce((a, t) => a + t.max_score, 0)).toBe(13);
    const done = doc.tests.find((t) => t.tags.includes('done-around-eight'))!;
    expect(done).toMatchObject({ name: '"done fetching" lands between 7 and 8', score: 0, max_score: 2, status: 'failed', visibility: 'visible' });
    expect(done.output).toMatch(/^Failed: 'done fetching' came at 2\.57 s, after '9' at 2\.32 s/);
    expect(done.output).toContain('Hint: Run fetch_data and print_numbers as tasks');
    expect(done.output).toMatch(/2\.57s │ done fetching {3}← offending: expected before '8'/);
    expect(doc.tests.find((t) => t.tags.includes('no-traceback'))!.visibility).toBe('hidden');
    expect(doc.tests.find((t) => t.tags.includes('starts-fetching'))!.status).toBe('passed');
    expect(doc.output).toContain('9/13 points');
  });

  test('partial credit, unstable, crash, timeout and an unrunnable submission', () => {
    const c = toGradescope(crash());
    const counts = c.tests.find((t) => t.tags.includes('counts-to-nine'))!;
    expect(counts).toMatchObject({ score: 0.2, max_score: 2, status: 'failed' });
    expect(c.tests.find((t) => t.tags.includes('clean-exit'))!.output).toContain('[stderr] ZeroDivisionError: division by zero');
    const f = toGradescope(flaky()).tests.find((t) => t.tags.includes('numbers-tick'))!;
    expect(f).toMatchObject({ status: 'passed', score: 2 });
    expect(f.output).toMatch(/^Unstable: Passed in 2 of 3 runs/);
    expect(f.output).toContain('run 2: failed');
    expect(toGradescope(timeout()).output).toContain('killed after the 10 s wall-time limit (SIGKILL)');
    const n = toGradescope(noEntry());
    expect(n.score).toBe(0);
    expect(n.output).toContain("Your submission could not be run: entry file 'main.py' not found");
  });

  test('program output is shown safely and kept small', () => {
    const g = toGradescope(garbage());
    const all = JSON.stringify(g);
    expect(all.length).toBeLessThan(60_000);
    for (const t of g.tests) expect(CONTROL.test(t.output)).toBe(false);
    expect(g.tests[0]!.output).toContain('\\x1b[31mred');
  });

  test('writes gradescope/results.json for one submission, or the configured path', async () => {
    const ctx = fakeContext();
    const [file] = await gradescopeReporter.write(singleResults(lateDone()), ctx);
    expect(file).toBe(join(ctx.outDir, 'gradescope', 'results.json'));
    expect(validate(JSON.parse(readFileSync(file!, 'utf8')))).toBe(true);
    const custom = join(tempDir(), 'autograder', 'results', 'results.json');
    expect(await gradescopeReporter.write(singleResults(lateDone()), { ...ctx, gradescopePath: custom })).toEqual([custom]);
    expect(JSON.parse(readFileSync(custom, 'utf8')).score).toBe(9);
  });

  test('a batch writes one file per submission', async () => {
    const ctx = fakeContext();
    const files = await gradescopeReporter.write(classResults({ withGarbage: false }), ctx);
    expect(files.map((f) => f.slice(ctx.outDir.length + 1))).toEqual([
      'gradescope/reference.json',
      'gradescope/sequential.json',
      'gradescope/late-done.json',
      'gradescope/crash.json',
      'gradescope/timeout.json',
      'gradescope/no-entry.json',
      'gradescope/flaky.json',
    ]);
    for (const f of files) expect(validate(JSON.parse(readFileSync(f, 'utf8')))).toBe(true);
  });

  test('a message that already says its status is not prefixed twice ("Skipped: skipped: needs …")', () => {
    const s = lateDone();
    s.checks = s.checks.map((c) =>
      c.status === 'skipped' ? { ...c, message: "skipped: needs 'done-around-eight' (\"done fetching\" lands between 7 and 8), which failed" } : c,
    );
    const skipped = toGradescope(s).tests.find((t) => t.extra_data.status === 'skipped')!;
    expect(skipped.output).toBe("Skipped: needs 'done-around-eight' (\"done fetching\" lands between 7 and 8), which failed");
    const failed = toGradescope(s).tests.find((t) => t.extra_data.status === 'failed')!;
    expect(failed.output.startsWith('Failed: ')).toBe(true);
  });

  test('ids shared across specs (every assignment has a reference) go to <spec>/<id>.json, not reference_.json', async () => {
    // Seen grading the bundled curriculum: reference.json, reference_.json, …, reference__________.json.
    const other = (s: ReturnType<typeof lateDone>) => ({ ...s, spec: 'second-spec', specTitle: 'Second', path: `/class/second-spec/${s.id}` });
    const results = { ...classResults({ withGarbage: false }), submissions: [reference(), lateDone(), other(reference()), other(crash())] };
    const ctx = fakeContext();
    const files = (await gradescopeReporter.write(results, ctx)).map((f) => f.slice(ctx.outDir.length + 1));
    expect(files).toEqual(['gradescope/fetch-and-count/reference.json', 'gradescope/late-done.json', 'gradescope/second-spec/reference.json', 'gradescope/crash.json']);
    expect(JSON.parse(readFileSync(join(ctx.outDir, files[2]!), 'utf8')).extra_data).toMatchObject({ spec: 'second-spec', submission: 'reference' });
  });
});

test('one submission graded against two specs: one document, tests prefixed by spec', async () => {
  const a = lateDone();
  const b = { ...lateDone(), spec: 'second-spec', specTitle: 'Second' };
  const doc = toGradescope([a, b]);
  expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(true);
  expect(doc.score).toBe(18);
  expect(doc.tests).toHaveLength(18);
  expect(doc.tests[9]).toMatchObject({ name: 'second-spec: Prints "start fetching" first', number: '10', tags: ['second-spec', 'starts-fetching'] });
  const ctx = fakeContext();
  const files = await gradescopeReporter.write({ ...singleResults(a), submissions: [a, b] }, ctx);
  expect(files).toEqual([join(ctx.outDir, 'gradescope', 'results.json')]);
});
