/**
 * The config file: found upward from the cwd in every supported form, every option applied,
 * flags winning over it, paths relative to the file, and mistakes reported like spec errors
 * (file:line:col, the source line with a caret, did-you-mean), before anything runs.
 */

import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ABC_GOOD, ABC_SPEC, project, run } from './cli-helpers.js';
import { levelFor, needs, pathOf } from './facilities.js';

const dirs: string[] = [];
async function proj(files: Record<string, string>): Promise<string> {
  const d = await project({ 'specs/abc.yaml': ABC_SPEC, 'subs/alice/main.py': ABC_GOOD, ...files });
  dirs.push(d);
  return d;
}
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test("an unknown key is positioned, with the source line, a caret and did-you-mean; nothing runs", async () => {
  const d = await proj({ 'tracegrade.config.yaml': 'clock: virtual\njbos: 2\n' });
  const r = await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out'], d);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("tracegrade.config.yaml:2:1: error: unknown key 'jbos' — did you mean 'jobs'?");
  expect(r.stderr).toContain('   2 | jbos: 2\n     | ^');
  expect(existsSync(join(d, 'out'))).toBe(false);
});

test('a bad value in package.json\'s "tracegrade" key is positioned at the value', async () => {
  const d = await proj({ 'package.json': '{\n  "name": "course",\n  "tracegrade": {\n    "sandbox": "bwarp"\n  }\n}\n' });
  const r = await run(['check', 'subs/alice', '--spec', 'specs/abc.yaml'], join(d, 'subs'));
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/package\.json:4:16: error: 'sandbox' must be one of auto, bwrap, rlimit, none — did you mean 'bwrap'\?/);
});

test('a JSON syntax error and a wrong type are positioned too', async () => {
  const broken = await proj({ 'tracegrade.config.json': '{\n  "jobs": 2,\n  "clock": \n}\n' });
  const r1 = await run(['validate', 'specs'], broken);
  expect(r1.code).toBe(0); // validate takes no run options: it does not read the config
  const r2 = await run(['grade', 'specs', 'subs'], broken);
  expect(r2.code).toBe(2);
  expect(r2.stderr).toMatch(/tracegrade\.config\.json:\d+:\d+: error: /);
  const typed = await proj({ 'tracegrade.config.json': '{ "jobs": "two", "failUnder": "120%" }' });
  const r3 = await run(['grade', 'specs/abc.yaml', 'subs'], typed);
  expect(r3.stderr).toContain("tracegrade.config.json:1:11: error: 'jobs' must be a whole number of 1 or more");
  expect(r3.stderr).toContain("tracegrade.config.json:1:31: error: 'failUnder' must be points (7) or a percentage of the points (80%)");
});

test('found upward from the cwd: reporters and out (relative to the config file) apply; a flag overrides', async () => {
  const d = await proj({ 'tracegrade.config.yaml': 'clock: virtual\nreporters: [json]\nout: graded\n' });
  const r = await run(['grade', '../specs/abc.yaml', 'alice'], join(d, 'subs'));
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  expect(existsSync(join(d, 'graded', 'results.json'))).toBe(true);
  expect(existsSync(join(d, 'graded', 'junit.xml'))).toBe(false);
  const results = JSON.parse(await readFile(join(d, 'graded', 'results.json'), 'utf8')) as { submissions: { runs: { clock?: string }[] }[] };
  expect(results.submissions[0]!.runs[0]!.clock).toBe('virtual');
  const r2 = await run(['grade', '../specs/abc.yaml', 'alice', '--reporter', 'junit', '--out', 'here'], join(d, 'subs'));
  expect(r2.code).toBe(0);
  expect(existsSync(join(d, 'subs', 'here', 'junit.xml'))).toBe(true);
  expect(existsSync(join(d, 'subs', 'here', 'results.json'))).toBe(false);
});

test('an .mjs config (default export) sets the CI gate; kebab-case keys work in YAML', async () => {
  const d = await proj({ 'tracegrade.config.mjs': "export default { reporters: 'json', failUnder: '100%', clock: 'virtual' };\n", 'subs/bob/main.py': "print('a')\n" });
  const r = await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out'], d);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/--fail-under 100 %: 1 of 2 submissions scored less \(abc\/bob 33\.3 %\)/);
  const k = await proj({ 'tracegrade.config.yaml': "time-scale: 2\nfail-under-mean: 10%\nreporters: json\nclock: virtual\n" });
  expect((await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out'], k)).code).toBe(0);
});

test('--config names the file; a missing one is an error', async () => {
  const d = await proj({ 'ci/tg.yaml': 'reporters: [json]\nclock: virtual\n' });
  const r = await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'o', '--config', 'ci/tg.yaml'], d);
  expect(r.code).toBe(0);
  expect(existsSync(join(d, 'o', 'results.json'))).toBe(true);
  expect(existsSync(join(d, 'o', 'junit.xml'))).toBe(false);
  const m = await run(['grade', 'specs/abc.yaml', 'subs', '--config', 'nope.yaml'], d);
  expect(m.code).toBe(2);
  expect(m.stderr).toMatch(/nope\.yaml: error: config file not found/);
});

describe('each run option in the config file takes effect', () => {
  type Results = { jobs?: number; submissions: Array<{ score: number; maxScore: number; checks: Array<{ id: string; status: string }>; runs: Array<{ runtime?: string; sandbox: { level: string } }> }> };
  const results = async (d: string, out: string): Promise<Results> => JSON.parse(await readFile(join(d, out, 'results.json'), 'utf8')) as Results;

  test('jobs: results.json records how many were graded at once', async () => {
    const d = await proj({ 'tracegrade.config.yaml': 'jobs: 3\nreporters: json\nclock: virtual\n', 'subs/bob/main.py': ABC_GOOD });
    expect((await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out'], d)).code).toBe(0);
    expect((await results(d, 'out')).jobs).toBe(3);
    expect((await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out2', '--jobs', '1'], d)).code).toBe(0);
    expect((await results(d, 'out2')).jobs).toBe(1);
  });

  needs('python3.12').test('python: the run used that interpreter; one that does not exist is named with the config file', async () => {
    // A pyenv build under /root cannot run at rlimit as root: without bwrap the config says none.
    const sandbox = await levelFor(pathOf('python3.12'));
    const d = await proj({ 'tracegrade.config.yaml': `python: "3.12"\nreporters: json\nclock: virtual\nsandbox: ${sandbox}\n` });
    const r = await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out'], d);
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    expect((await results(d, 'out')).submissions[0]!.runs[0]!.runtime).toMatch(/3\.12\.\d+/);
    const bad = await proj({ 'tracegrade.config.yaml': 'python: "3.99"\n' });
    const b = await run(['check', 'subs/alice', '--spec', 'specs/abc.yaml'], bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no Python 3\.99 found .*\(asked for by 'python: 3\.99' in the config file \S*tracegrade\.config\.yaml: change it there\)/);
    const flag = await run(['check', 'subs/alice', '--spec', 'specs/abc.yaml', '--python', '3.98'], d);
    expect(flag.stderr).toMatch(/no Python 3\.98 found .*\(asked for by --python 3\.98: change it there\)/);
  });

  test('sandbox: the run records the level the config asked for (none: never what auto picks when a stronger one works)', async () => {
    const d = await proj({ 'tracegrade.config.yaml': 'sandbox: none\nreporters: json\nclock: virtual\n' });
    const r = await run(['grade', 'specs/abc.yaml', 'subs', '--out', 'out', '--accept-no-isolation'], d);
    expect(r.code).toBe(0);
    expect((await results(d, 'out')).submissions[0]!.runs[0]!.sandbox.level).toBe('none');
    expect(r.stderr).toContain("running submissions with the 'none' sandbox level");
  });

  test('timeScale: tolerances are scaled (a delay 0.3 s off a 0.2 s tolerance passes at 2)', async () => {
    const spec = 'name: late\nrun: { runtime: python, entry: main.py, clock: virtual }\nchecks:\n  - id: b-after-a\n    delay: { from: a, to: b, about: 1s, tolerance: 200ms }\n';
    const prog = 'import asyncio\nasync def main():\n    print("a")\n    await asyncio.sleep(1.3)\n    print("b")\nasyncio.run(main())\n';
    const plain = await proj({ 'specs/late.yaml': spec, 'late/p/main.py': prog, 'tracegrade.config.yaml': 'reporters: json\n' });
    await run(['grade', 'specs/late.yaml', 'late', '--out', 'out'], plain);
    expect((await results(plain, 'out')).submissions[0]!.checks[0]!.status).toBe('failed');
    const scaled = await proj({ 'specs/late.yaml': spec, 'late/p/main.py': prog, 'tracegrade.config.yaml': 'reporters: json\ntimeScale: 2\n' });
    await run(['grade', 'specs/late.yaml', 'late', '--out', 'out'], scaled);
    expect((await results(scaled, 'out')).submissions[0]!.checks[0]!.status).toBe('passed');
  });
});
