/**
 * End-to-end: the bundled curriculum (specs/ × submissions/) graded for real by the compiled
 * CLI, asserted against docs/expected-scores.md row by row — score, failed checks, skipped
 * checks, everything else passed. The table is parsed, so it and this test cannot drift.
 * Real runs take real time (~45 s on 2 cores with the default --jobs); the same table is then
 * asserted under the virtual clock (~5–10 s), which must change the time grading takes, not
 * the verdicts.
 */

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradeResults, SubmissionResult } from '../src/score/types.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import {
  ROOT,
  forPython,
  gradeToJson,
  parseExpectedScores,
  pythonVersionOf,
  readExpectedScores,
  requireBuild,
  type ExpectedRow,
} from './curriculum-helpers.js';
import { has } from './facilities.js';

async function dirs(path: string): Promise<string[]> {
  return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** Every difference between a row and the graded result, in words (empty when they agree). */
function differences(row: ExpectedRow, r: SubmissionResult | undefined): string[] {
  const at = `docs/expected-scores.md:${row.line} ${row.spec}/${row.submission}`;
  if (!r) return [`${at}: not graded at all`];
  const out: string[] = [];
  if (r.error) out.push(`${at}: could not be graded: ${r.error}`);
  if (r.maxScore !== row.maxScore) out.push(`${at}: max score ${r.maxScore}, table says ${row.maxScore}`);
  if (!row.scores.some((s) => Math.abs(s - r.score) < 1e-6)) {
    out.push(`${at}: scored ${r.score}, table says ${row.scores.join(' or ')}`);
  }
  const ids = new Set(r.checks.map((c) => c.id));
  for (const id of [...row.fails, ...row.skipped]) if (!ids.has(id)) out.push(`${at}: the table names check '${id}', which the spec does not have`);
  for (const c of r.checks) {
    const want = row.fails.includes(c.id) ? 'failed' : row.skipped.includes(c.id) ? 'skipped' : 'passed';
    if (c.status !== want) out.push(`${at}: check '${c.id}' ${c.status}, table says ${want} — ${c.message}`);
  }
  return out;
}

describe('the table of expected scores', () => {
  it('parses the documented row format and rejects a malformed one', () => {
    const md = [
      '| Spec | Submission | Python | Score | Fails | Skipped | What |',
      '|---|---|---|---|---|---|---|',
      "| `s` | `a` | 3.11+ | 7.6 or 7.8 / 13 | `x`, `y-2` | – | text |",
      '| `s` | `b` | 3.8+ | 13 / 13 | – | – | text |',
      '| `n` | `c` | – | 0.5 / 8 | `x` | – | a Node program |',
    ].join('\n');
    expect(parseExpectedScores(md, 'm.md')).toEqual([
      { spec: 's', submission: 'a', minPython: [3, 11], scores: [7.6, 7.8], maxScore: 13, fails: ['x', 'y-2'], skipped: [], line: 3 },
      { spec: 's', submission: 'b', minPython: [3, 8], scores: [13], maxScore: 13, fails: [], skipped: [], line: 4 },
      { spec: 'n', submission: 'c', minPython: null, scores: [0.5], maxScore: 8, fails: ['x'], skipped: [], line: 5 },
    ]);
    expect(() => parseExpectedScores("| `s` | `a` | 3.8- | 9 / 9 | – | – | x |", 'm.md')).toThrow(/m\.md:1: Python must look like '3\.8\+'/);
    // '3.8' without '+': that version only (a program that fails there and works from 3.9 on).
    const [only] = parseExpectedScores("| `s` | `a` | 3.8 | 1 / 9 | – | – | x |", 'm.md');
    expect([only!.minPython, only!.maxPython, forPython(only!, [3, 8]), forPython(only!, [3, 9])]).toEqual([[3, 8], [3, 8], true, false]);
    expect(() => parseExpectedScores("| `s` | `a` | 3.8+ | nine | – | – | x |", 'm.md')).toThrow(/m\.md:1: Score must look like/);
    expect(() => parseExpectedScores("| `s` | `a` | 3.8+ | 9 / 9 | x | – | x |", 'm.md')).toThrow(/check ids in backticks/);
  });

  it('has exactly one row per bundled submission and Python version, and a folder per spec', async () => {
    const rows = await readExpectedScores();
    const inTable = [...new Set(rows.map((r) => `${r.spec}/${r.submission}`))];
    // A submission may have one row per range of versions ('3.8' then '3.9+'), never two for one version.
    for (const key of inTable) {
      const mine = rows.filter((r) => `${r.spec}/${r.submission}` === key);
      for (const minor of [8, 9, 10, 11, 12, 13]) {
        const n = mine.filter((r) => r.minPython === null || forPython(r, [3, minor])).length;
        expect([key, minor, n <= 1]).toEqual([key, minor, true]);
      }
    }
    const onDisk: string[] = [];
    for (const spec of await dirs(join(ROOT, 'submissions'))) {
      for (const sub of await dirs(join(ROOT, 'submissions', spec))) onDisk.push(`${spec}/${sub}`);
    }
    expect([...inTable].sort()).toEqual(onDisk.sort());
    const specs = (await readdir(join(ROOT, 'specs'))).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
    expect(await dirs(join(ROOT, 'submissions'))).toEqual(specs);
    // Every spec has a reference solution that the table expects to score full marks.
    for (const spec of specs) {
      const ref = rows.find((r) => r.spec === spec && r.submission === 'reference');
      expect(ref && ref.scores).toEqual([ref?.maxScore]);
    }
  });
});

/** Submissions the table covers (a submission may have one row per range of Python versions). */
function submissionCount(rows: ExpectedRow[]): number {
  return new Set(rows.map((r) => `${r.spec}/${r.submission}`)).size;
}

/** The bundled specs, loaded, by name. */
async function bundledSpecs(): Promise<Map<string, Spec>> {
  const out = new Map<string, Spec>();
  for (const f of (await readdir(join(ROOT, 'specs'))).filter((x) => x.endsWith('.yaml'))) {
    const { spec } = await loadSpecFile(join(ROOT, 'specs', f));
    if (spec) out.set(spec.name, spec);
  }
  return out;
}

/** Specs whose rows are not Python programs (Python cell "–"): the Node lesson. */
function notPythonSpecs(rows: ExpectedRow[]): Set<string> {
  return new Set(rows.filter((r) => r.minPython === null).map((r) => r.spec));
}

/** Rows the default interpreter can run; the others are listed in `skipped`. */
function assertTable(rows: ExpectedRow[], results: GradeResults): { problems: string[]; notApplicable: string[] } {
  const byKey = new Map(results.submissions.map((s) => [`${s.spec}/${s.id}`, s] as const));
  const problems: string[] = [];
  const notApplicable: string[] = [];
  for (const row of rows) {
    const r = byKey.get(`${row.spec}/${row.submission}`);
    const py = row.minPython && pythonVersionOf(r?.runs[0]?.runtime);
    if (row.minPython && py && !forPython(row, py)) {
      // e.g. the TaskGroup reference on a default python3 older than 3.11, or a row for 3.8
      // only on a newer default: graded, not asserted against this row.
      notApplicable.push(`${row.spec}/${row.submission} (docs/expected-scores.md:${row.line}) is for Python ${row.minPython.join('.')}${row.maxPython ? '' : '+'}, the default is ${py.join('.')}`);
      continue;
    }
    problems.push(...differences(row, r));
  }
  return { problems, notApplicable };
}

/** Both gradings of the curriculum, shared by the tests below (one real grading per test run). */
let realResults: GradeResults | undefined;
let virtualResults: GradeResults | undefined;

describe('grading the bundled curriculum for real', () => {
  let out: string;
  let results: GradeResults;

  beforeAll(async () => {
    requireBuild();
    out = await mkdtemp(join(tmpdir(), 'tracegrade-curriculum-'));
    // The same command as `npm run grade` (json only), with the default --jobs.
    results = realResults = await gradeToJson(['specs', 'submissions'], out, 200_000);
  }, 240_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('grades every submission exactly as docs/expected-scores.md says', async () => {
    const rows = await readExpectedScores();
    expect(results.submissions).toHaveLength(submissionCount(rows));
    const { problems, notApplicable } = assertTable(rows, results);
    if (notApplicable.length) console.warn(`not asserted:\n${notApplicable.join('\n')}`);
    expect(problems).toEqual([]);
    // The table must be mostly applicable: a wrong interpreter would otherwise pass silently
    // (rows pinned to a version range: the TaskGroup reference, 3.8's list[float]).
    expect(notApplicable.length).toBeLessThanOrEqual(2);
  });

  it('runs each submission once, on a real interpreter, with the trace it judged', async () => {
    const notPython = notPythonSpecs(await readExpectedScores());
    const specs = await bundledSpecs();
    for (const s of results.submissions) {
      // Once per named run (the course assignment runs each of its five drivers).
      const spec = specs.get(s.spec)!;
      expect(s.runs.map((r) => r.name)).toEqual(spec.runs?.map((r) => r.name) ?? [undefined]);
      for (const run of s.runs) {
        if (notPython.has(s.spec)) expect(run.runtime).toMatch(/\/node\b.*\(\d+\.\d+\.\d+\)$/);
        else expect(pythonVersionOf(run.runtime)).not.toBeNull();
        // Real time, unless the spec itself asks for the virtual clock (the course assignment).
        expect(run.clock).toBe(spec.run.clock);
      }
    }
    expect([...specs.values()].filter((sp) => sp.run.clock === 'real').length).toBeGreaterThanOrEqual(11);
    // The Node lesson's reference really ran the event loop: sync, microtask, then timers.
    const node = results.submissions.find((s) => s.spec === 'node-event-loop' && s.id === 'reference')!;
    expect(node.runs[0]!.trace.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['start', 'end', 'promise', 'timeout 0', 'timeout 500']);
    // The reference of fetch-and-count really printed the lesson's output, in order.
    const ref = results.submissions.find((s) => s.spec === 'fetch-and-count' && s.id === 'reference')!;
    expect(ref.runs[0]!.trace.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(
      expect.arrayContaining(['start fetching', 'done fetching', "{'data': 1}", '0', '9']),
    );
  });
});

describe('the same curriculum under the virtual clock', () => {
  let out: string;

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  // Same verdicts, in seconds instead of a minute: the virtual clock changes how long grading
  // takes, never what a program is judged to do.
  it('grades every submission exactly as the table says, with virtual time', async () => {
    requireBuild();
    out = await mkdtemp(join(tmpdir(), 'tracegrade-curriculum-virtual-'));
    const results = (virtualResults = await gradeToJson(['specs', 'submissions', '--clock', 'virtual'], out, 120_000));
    const rows = await readExpectedScores();
    expect(results.submissions).toHaveLength(submissionCount(rows));
    // Python and the Node lesson alike run on the virtual clock, none falls back.
    const fellBack = results.submissions.filter((s) => s.runs[0]?.clock !== 'virtual').map((s) => `${s.spec}/${s.id}: ${s.runs[0]?.clockFallback}`);
    expect(fellBack).toEqual([]);
    expect(results.submissions.filter((s) => notPythonSpecs(rows).has(s.spec)).length).toBeGreaterThan(0);
    expect(assertTable(rows, results).problems).toEqual([]);
  }, 150_000);

  // (Was test/virtual-curriculum.test.ts, which graded the curriculum twice more through the
  // runner: the same claim, from the two gradings above.) Every Python submission gets the same
  // per-check verdicts in virtual and in real time, both at the strongest sandbox level here
  // (bwrap when it works: the instrumentation then loads from the read-only bind inside it).
  it('the same verdicts in virtual and in real time, check by check, at the strongest sandbox level', () => {
    expect(realResults && virtualResults).toBeDefined();
    const verdicts = (r: GradeResults) =>
      new Map(r.submissions.map((s) => [`${s.spec}/${s.id}`, s.checks.map((c) => `${c.id}:${c.status}`).join(' ')] as const));
    const real = verdicts(realResults!);
    const virt = verdicts(virtualResults!);
    expect(real.size).toBeGreaterThan(40);
    const diffs = [...real].filter(([k, v]) => virt.get(k) !== v).map(([k, v]) => ({ submission: k, real: v, virtual: virt.get(k) }));
    expect(diffs).toEqual([]);
    const level = has('bwrap') ? 'bwrap' : 'rlimit';
    const levels = [...realResults!.submissions, ...virtualResults!.submissions].map((s) => s.runs[0]?.sandbox.level);
    expect(levels.filter((l) => l !== level)).toEqual([]);
  });
});
