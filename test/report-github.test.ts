import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  annotationLines,
  annotations,
  escapeData,
  escapeProperty,
  fitSummary,
  formatAnnotation,
  githubReporter,
  mdCell,
  SUMMARY_LIMIT,
} from '../src/report/github.js';
import type { GradeResults } from '../src/score/types.js';
import { classResults, crash, garbage, lateDone, noEntry, reference, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

/** Undo GitHub's escaping, as the runner does when it parses a workflow command. */
function unescape(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** Parse `::error k=v,k=v::message` the way the runner does (split on the first '::' after the properties). */
function parse(line: string): { props: Record<string, string>; message: string } {
  const m = /^::error (.*?)::(.*)$/s.exec(line);
  if (!m) throw new Error(`not an annotation: ${line}`);
  const props: Record<string, string> = {};
  for (const kv of m[1]!.split(',')) {
    const i = kv.indexOf('=');
    props[kv.slice(0, i)] = unescape(kv.slice(i + 1));
  }
  return { props, message: unescape(m[2]!) };
}

describe('GitHub Actions annotations', () => {
  test('escaping: %, CR, LF in messages; also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a: b, c%')).toBe('a%3A b%2C c%25');
    const line = formatAnnotation({ file: 'specs/a,b.yaml', line: 3, title: 'x: "y", z', message: 'one\ntwo %0A' });
    expect(line).toBe('::error file=specs/a%2Cb.yaml,line=3,title=x%3A "y"%2C z::one%0Atwo %250A');
    expect(parse(line)).toEqual({ props: { file: 'specs/a,b.yaml', line: '3', title: 'x: "y", z' }, message: 'one\ntwo %0A' });
  });

  test('one submission: an error per failed check at its spec line, repo-relative', () => {
    const list = annotationLines(annotations(singleResults(lateDone()), { cwd: '/work/main', showHidden: true }));
    expect(list).toHaveLength(2);
    const a = parse(list[0]!);
    expect(a.props).toEqual({ file: 'specs/fetch-and-count.yaml', line: '35', title: '"done fetching" lands between 7 and 8 (0/2 points)' });
    expect(a.message).toMatch(/^'done fetching' came at 2\.57 s, after '9' at 2\.32 s.*\nHint: Run fetch_data/s);
    expect(parse(list[1]!).props.line).toBe('57');
  });

  test('each command is one line, whatever the program printed', () => {
    const list = annotationLines(annotations(singleResults(garbage()), { cwd: '/', showHidden: true }));
    expect(list.length).toBeGreaterThan(3);
    for (const l of list) {
      expect(l).not.toMatch(/[\r\n]/);
      // eslint-disable-next-line no-control-regex
      expect(l).not.toMatch(/[\x00-\x1f]/);
    }
  });

  test('hidden checks are not annotated when they must not be revealed', () => {
    const titles = (showHidden: boolean) =>
      annotations(singleResults(crash()), { cwd: '/', showHidden }).map((a) => a.title);
    expect(titles(true).some((t) => t.startsWith('Nothing on stderr'))).toBe(true);
    expect(titles(false).some((t) => t.startsWith('Nothing on stderr'))).toBe(false);
  });

  test('a class: one annotation per failing check naming the submissions; never more than 10', () => {
    const list = annotations(classResults(), { cwd: '/work/main', showHidden: true });
    const done = list.find((a) => a.title.startsWith('"done fetching" lands between 7 and 8'))!;
    expect(done.title).toBe('"done fetching" lands between 7 and 8: failed in 3 of 8');
    expect(done.message).toMatch(/^Failed in sequential, late-done, timeout\./);
    expect(list.find((a) => a.title === 'no-entry: could not be graded')).toBeDefined();
    // 20 unrunnable submissions: 9 annotations and one that counts the other 11.
    const many: GradeResults = { ...classResults(), submissions: Array.from({ length: 20 }, (_, i) => ({ ...noEntry(), id: `s${i}` })) };
    const lines = annotationLines(annotations(many, { cwd: '/', showHidden: true }));
    expect(lines).toHaveLength(10);
    expect(parse(lines[9]!).props.title).toBe('11 more failed checks');
    expect(parse(lines[9]!).message).toContain('s19: could not be graded');
  });
});

describe('job summary', () => {
  test('markdown cells cannot break the table or inject HTML', () => {
    expect(mdCell('a | b\nc <img src=x> `d`')).toBe('a &#124; b&#92;x0ac &#60;img src=x&#62; &#96;d&#96;');
  });

  test('reporter: nothing outside GitHub Actions', async () => {
    const ctx = fakeContext({});
    expect(await githubReporter.write(classResults(), ctx)).toEqual([]);
    expect(ctx.out()).toBe('');
  });

  test('reporter: annotations on stdout and a summary appended to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(tempDir(), 'summary.md');
    writeFileSync(summary, '# earlier step output\n');
    const ctx = fakeContext({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: '/work/main' });
    expect(await githubReporter.write(classResults(), ctx)).toEqual([summary]);
    const out = ctx.out().trimEnd().split('\n');
    expect(out.length).toBeLessThanOrEqual(10);
    for (const l of out) expect(l).toMatch(/^::error /);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step output\n## tracegrade: Fetch data while counting')).toBe(true);
    expect(md).toContain('**8 submissions** · mean 48.3% · 2 at full marks · 1 could not be graded');
    expect(md).toMatch(/\| "done fetching" lands between 7 and 8 \| 2\/8 \| 25% \|/);
    expect(md).toMatch(/\| late-done \| 9\/13 \| ❌ points lost \| ✗ done-around-eight, ○ value-after-done, ✗ fetch-takes-two-seconds \|/);
    expect(md).not.toContain('<script>');
  });

  test('several specs: check rates and submissions are per spec (ids repeat across specs)', async () => {
    // Seen on the bundled curriculum: 'value-after-done' of two specs was one row (7/16), titled by the first.
    const other = (s: ReturnType<typeof lateDone>) => ({ ...s, spec: 'second-spec', specTitle: 'Second', path: `/class/second-spec/${s.id}` });
    const results = { ...classResults(), submissions: [reference(), lateDone(), other(reference()), other(reference())] };
    const summary = join(tempDir(), 'summary.md');
    await githubReporter.write(results, fakeContext({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }));
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## tracegrade: 2 specs\n\n- Fetch data while counting.*\(`fetch-and-count`\)\n- Second \(`second-spec`\)\n/);
    expect(md).toMatch(/\| fetch-and-count: "done fetching" lands between 7 and 8 \| 1\/2 \| 50% \|/);
    expect(md).toMatch(/\| second-spec: "done fetching" lands between 7 and 8 \| 2\/2 \| 100% \|/);
    expect(md).toContain('| Submission | Spec | Score | Status | Not passed |');
    expect(md).toMatch(/\| reference \| `second-spec` \| 13\/13 \| ✅ full marks \|/);
  });

  test('one submission: a table of checks with explanations and hints', async () => {
    const summary = join(tempDir(), 'summary.md');
    const ctx = fakeContext({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    await githubReporter.write(singleResults(lateDone()), ctx);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('**late-done: 9/13 points (69.2%)**');
    expect(md).toMatch(/\| ❌ failed \| "done fetching" lands between 7 and 8 \| 0\/2 \| 'done fetching' came at 2\.57 s.*<br>\*\*Hint:\*\* Run fetch_data/);
  });

  test('the summary stays within 1 MiB for the step, counting what earlier steps wrote', async () => {
    const summary = join(tempDir(), 'summary.md');
    writeFileSync(summary, 'x'.repeat(SUMMARY_LIMIT - 4000) + '\n');
    const big: GradeResults = { ...classResults(), submissions: Array.from({ length: 400 }, (_, i) => ({ ...lateDone(), id: `student-${i}` })) };
    await githubReporter.write(big, fakeContext({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }));
    expect(statSync(summary).size).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(readFileSync(summary, 'utf8')).toMatch(/more lines left out: the step summary is limited to 1 MiB/);
    expect(fitSummary(['a', 'b'], 10_000)).toBe('a\nb\n');
  });
});
