import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { junitReporter, renderJunit, xmlAttr, xmlText } from '../src/report/junit.js';
import type { GradeResults } from '../src/score/types.js';
import { classResults, garbage, lateDone, singleResults } from './fixtures/results/fetch-and-count.js';
import { FIXTURES, cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';
import { needs, pathOf } from './facilities.js';

afterAll(cleanupTempDirs);

const XSD = join(FIXTURES, 'junit-10.xsd');
/** The tests that validate or query the file with xmllint skip, saying why, where it is missing. */
const withXmllint = needs('xmllint');

function validate(file: string): { ok: boolean; out: string } {
  const r = spawnSync(pathOf('xmllint'), ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.slice(0, 2000) };
}

function xpath(file: string, expr: string): string {
  return execFileSync(pathOf('xmllint'), ['--xpath', expr, file], { encoding: 'utf8' }).replace(/\n$/, '');
}

function writeTemp(xml: string): string {
  const file = join(tempDir(), 'junit.xml');
  writeFileSync(file, xml);
  return file;
}

describe('junit.xml', () => {
  withXmllint.test('the class (crash, timeout, no entry, garbage, flaky…) validates against junit-10.xsd', async () => {
    const ctx = fakeContext();
    const [file] = await junitReporter.write(classResults(), ctx);
    expect(file).toBe(join(ctx.outDir, 'junit.xml'));
    const v = validate(file!);
    expect(v.out).toContain('validates');
    expect(v.ok).toBe(true);
    // One suite per submission, one testcase per check (+1 for the submission that could not run).
    expect(xpath(file!, 'count(//testsuite)')).toBe('8');
    expect(xpath(file!, 'count(//testcase)')).toBe(String(8 * 9 + 1));
    expect(xpath(file!, 'string(//testsuite[@name="no-entry"]/testcase[1]/error/@message)')).toMatch(/^entry file 'main.py' not found/);
    expect(readFileSync(file!, 'utf8').length).toBeLessThan(200_000);
  });

  withXmllint.test('testcase: classname = submission, time with a dot, failure message = points and explanation', () => {
    const file = writeTemp(renderJunit(singleResults(lateDone()), '/work/main'));
    expect(validate(file).ok).toBe(true);
    const tc = '//testcase[@name=\'"done fetching" lands between 7 and 8\']';
    expect(xpath(file, `string(${tc}/@classname)`)).toBe('late-done');
    expect(xpath(file, `string(${tc}/failure/@message)`)).toBe(
      "0/2 points: 'done fetching' came at 2.57 s, after '9' at 2.32 s; it must come between '7' (1.82 s) and '8' (2.07 s).",
    );
    // The body has the hint and the FileCheck-style excerpt; system-out has the trace.
    expect(xpath(file, `string(${tc}/failure)`)).toMatch(/hint: Run fetch_data[\s\S]*2\.57s │ done fetching {3}← offending: expected before '8'/);
    // Headed like the terminal's: the first column is the "trace line 12" explanations cite.
    expect(xpath(file, `string(${tc}/failure)`)).toMatch(/\ntrace line, time │ text\n {6}7 {4}1\.32s │ 5\n/);
    expect(xpath(file, `string(${tc}/system-out)`)).toContain('2.57s out │ done fetching');
    expect(xpath(file, 'string(//testcase[@name=\'The fetched value is printed right after "done fetching"\']/skipped/@message)')).toMatch(/^0\/1 points: Skipped/);
    expect(xpath(file, 'string(//testsuite/@time)')).toBe('2.724');
    expect(xpath(file, 'string(//testsuite/@file)')).toBe('specs/fetch-and-count.yaml');
    expect(xpath(file, 'string(//property[@name="points.done-around-eight"]/@value)')).toBe('0/2');
    expect(xpath(file, 'string(//property[@name="score"]/@value)')).toBe('9');
    expect(xpath(file, 'string(//testsuite/@failures)')).toBe('2');
    expect(xpath(file, 'string(//testsuite/@skipped)')).toBe('1');
    for (const t of readFileSync(file, 'utf8').matchAll(/ time="([^"]*)"/g)) expect(t[1]).toMatch(/^\d+\.\d{3}$/);
  });

  withXmllint.test('what the program printed is escaped: no raw controls, markup stays text, the 5 MB line is capped', () => {
    const xml = renderJunit(singleResults(garbage()));
    // eslint-disable-next-line no-control-regex
    expect(/[\x00-\x08\x0b\x0c\x0e-\x1f\uFFFE\uFFFF]/.test(xml)).toBe(false);
    expect(xml.length).toBeLessThan(100_000);
    const file = writeTemp(xml);
    const v = validate(file);
    expect(v.ok).toBe(true);
    const out = xpath(file, 'string(//testcase[@name=\'Prints "start fetching" first\']/system-out)');
    expect(out).toContain('\\x1b[31mred\\x1b[0m');
    expect(out).toContain('<script>alert("x")</script> & ]]>');
    expect(out).toContain('caf\uFFFD \uFFFD\uFFFD');
    expect(out).toContain('more characters]');
    expect(out).toContain('\\u{fffe}');
  });

  withXmllint.test('property: whatever a program prints and whatever a spec says, the file validates', () => {
    // Seeded random strings drawn mostly from the characters that break XML.
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pool = [0, 1, 8, 9, 10, 11, 12, 13, 27, 31, 34, 38, 39, 60, 62, 93, 127, 133, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd, 0xfffe, 0xffff];
    const text = () =>
      Array.from({ length: rnd(60) }, () => (rnd(3) === 0 ? String.fromCharCode(32 + rnd(95)) : String.fromCharCode(pool[rnd(pool.length)]!))).join('');
    const samples = Array.from({ length: 60 }, () => [text(), text(), text(), text()] as const);
    const base = lateDone();
    const results: GradeResults = classResults({ withGarbage: false });
    results.submissions = samples.map(([id, line, msg, title], i) => {
      const s = structuredClone(base);
      s.id = `${id}#${i}`;
      s.runs[0]!.trace[3]!.text = line;
      s.checks[2]!.message = msg;
      s.checks[2]!.title = title;
      s.checks[2]!.hint = line + msg;
      s.checks[2]!.lines[0]!.note = msg;
      return s;
    });
    const v = validate(writeTemp(renderJunit(results)));
    expect(v.out).toContain('validates');
  });

  test('escapers', () => {
    expect(xmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(xmlText('bell\x07 esc\x1b nul\x00')).toBe('bell\\x07 esc\\x1b nul\\x00');
    expect(xmlText('lone \uD800 ok 🎉')).toBe('lone \uFFFD ok 🎉');
    expect(xmlAttr('say "hi"\nnext')).toBe('say &quot;hi&quot;&#10;next');
  });
});

test('system-out numbers the trace lines, so an explanation citing "line N" finds its line', () => {
  const xml = renderJunit(singleResults(lateDone()), '/work/main');
  const run = lateDone().runs[0]!;
  const n = run.trace.findIndex((l) => l.text === 'done fetching') + 1;
  expect(xml).toContain('trace line, time, stream │ text');
  expect(xml).toMatch(new RegExp(`\\n {0,3}${n}  +2\\.57s out │ done fetching`));
});
