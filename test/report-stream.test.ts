/**
 * Streamed reports (issue 15) are the in-memory ones, byte for byte. A realistic class: two
 * specs sharing ids (curriculum layout), one student graded against both (one Gradescope
 * document), a 5 MB line, a crash, a timeout, a could-not-grade, a tampered trace, hostile
 * CI text. Each report set is written from the results held whole in memory (what tracegrade
 * did before it streamed) and from each streamed source — results.json read a submission at a
 * time, two shards merged, a batch's stored results — and every file is compared. A second
 * streamed run rewrites nothing. With TRACEGRADE_BASE_BIN=<old checkout>/bin/tracegrade.js,
 * the old CLI's `report` is compared too.
 */

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { merge, mergeSources } from '../src/batch/merge.js';
import { assembleResults } from '../src/batch/results.js';
import { graded, storeSource } from '../src/batch/store-source.js';
import { summarizer } from '../src/report/source.js';
import { writeStored, type StoreKey } from '../src/batch/store.js';
import type { Job } from '../src/batch/types.js';
import { openResultsFile, stringifyResults, writeReports, type ResultSource } from '../src/report/index.js';
import type { GradeResults } from '../src/score/types.js';
import type { Spec } from '../src/spec/types.js';
import { classResults, reference } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';
import { hostileSubmission } from './fixtures/results/hostile-ci.js';

afterAll(cleanupTempDirs);

const ALL = ['json', 'junit', 'html', 'gradescope', 'github', 'terminal'];

/** The class: spec fetch-and-count, and the same submissions graded by a second spec. */
function curriculum(): GradeResults {
  const base = classResults();
  const tampered = reference();
  tampered.id = 'forger';
  tampered.path = '/subs/forger';
  tampered.runs[0]!.tampered = 'a line record the parent never saw';
  const other = [reference(), hostileSubmission(), tampered].map((s) => ({ ...s, spec: 'second-spec', specTitle: 'The second spec', specFile: '/work/main/specs/second.yaml' }));
  return assembleResults([...base.submissions, hostileSubmission(), tampered, ...other], { jobs: 2 });
}

/** Every file under `dir` (but the manifests of what was written), with its bytes. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.tracegrade') walk(p);
      } else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

/** Write every report of `input`; the files, the terminal output and the GitHub step summary. */
async function render(input: GradeResults | ResultSource, outDir = tempDir()) {
  const summary = join(tempDir(), 'summary.md');
  writeFileSync(summary, '');
  const ctx = { ...fakeContext({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }), outDir };
  await writeReports(input, ctx, ALL);
  // The stop-commands token is random per run (ci-log.ts): the same token for the comparison.
  const terminal = ctx.out().replace(/tracegrade-[0-9a-f]{32}/g, 'tracegrade-TOKEN');
  return { outDir, files: files(outDir), terminal, summary: readFileSync(summary, 'utf8') };
}

function expectSame(a: Awaited<ReturnType<typeof render>>, b: Awaited<ReturnType<typeof render>>) {
  expect([...b.files.keys()].sort()).toEqual([...a.files.keys()].sort());
  for (const [name, bytes] of a.files) if (b.files.get(name) !== bytes) throw new Error(`${name} differs`);
  expect(b.terminal).toBe(a.terminal);
  expect(b.summary).toBe(a.summary);
}

test('results.json read a submission at a time renders every report as the whole file did', async () => {
  const results = curriculum();
  const file = join(tempDir(), 'results.json');
  writeFileSync(file, stringifyResults(results));
  const whole = await render(JSON.parse(readFileSync(file, 'utf8')) as GradeResults);
  expect(whole.files.size).toBeGreaterThan(30); // pages of both specs, gradescope, junit, json
  const source = await openResultsFile(file);
  // The summaries keep no trace: what stays in memory does not grow with a program's output.
  expect(source.results.submissions.every((s) => s.runs.every((r) => r.trace.length === 0))).toBe(true);
  const streamed = await render(source);
  expectSame(whole, streamed);
  expect(whole.files.get('results.json')).toBe(readFileSync(file, 'latin1'));

  // Again into the same folder: every key is unchanged, nothing is rewritten.
  const mtimes = new Map([...streamed.files.keys()].map((f) => [f, statSync(join(streamed.outDir, f)).mtimeMs]));
  await render(source, streamed.outDir);
  await source.close?.();
  for (const [f, t] of mtimes) expect({ f, t: statSync(join(streamed.outDir, f)).mtimeMs }).toEqual({ f, t });
});

test('a merge of two shards streamed renders what the in-memory merge did', async () => {
  const results = curriculum();
  const dir = tempDir();
  const shards = [1, 2].map((k) => {
    const f = join(dir, `shard-${k}.json`);
    const half = results.submissions.filter((_, i) => i % 2 === k - 1);
    writeFileSync(f, stringifyResults(assembleResults(half, { jobs: 2, shard: { index: k, count: 2 } })));
    return f;
  });
  const whole = await render(merge(shards));
  const source = await mergeSources([...shards, shards[0]!]); // a shard given twice is the same shard
  expectSame(whole, await render(source));
  await source.close?.();
});

test("a batch's stored results, read again one at a time, render what the results in memory did", async () => {
  const results = curriculum();
  const outDir = tempDir();
  const key: StoreKey = { spec: 's', submission: 'x', options: 'o', tool: 't' };
  const secret = Buffer.alloc(32, 7);
  const entries = [];
  const summarize = summarizer();
  // Stored in reverse: the source puts them back in plan order.
  for (const s of [...results.submissions].reverse()) {
    const job = { spec: { name: s.spec } as Spec, id: s.id, submission: s.path } as Job;
    entries.push(graded(job, s, await writeStored(outDir, job, key, s, secret), false, summarize));
  }
  const source = storeSource(outDir, entries, { jobs: 2 });
  expect(source.results.createdAt).toBe(results.createdAt);
  expectSame(await render(results), await render(source));
});

const baseBin = process.env.TRACEGRADE_BASE_BIN;
(baseBin ? test : test.skip)('the CLI writes the files the tracegrade at TRACEGRADE_BASE_BIN wrote', () => {
  const dir = tempDir();
  const file = join(dir, 'results.json');
  writeFileSync(file, stringifyResults(curriculum()));
  const bin = new URL('../bin/tracegrade.js', import.meta.url).pathname;
  const run = (b: string, out: string) => spawnSync(process.execPath, [b, 'report', file, '--out', out, '--reporter', 'json,junit,html,gradescope,terminal'], { cwd: dir, encoding: 'utf8' });
  const old = run(baseBin!, join(dir, 'old'));
  const now = run(bin, join(dir, 'new'));
  expect(now.status).toBe(old.status);
  expect(now.stdout).toBe(old.stdout);
  const a = files(join(dir, 'old'));
  const b = files(join(dir, 'new'));
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, bytes] of a) if (b.get(name) !== bytes) throw new Error(`${name} differs from the old CLI's`);
});

