/**
 * The package as a user gets it: the repository's tracked files (a fresh clone: no dist/) are
 * packed with `npm pack` — whose `prepare` script must build dist/ — and the tarball is installed
 * into an empty folder from npm's cache (no registry needed once the dependencies were fetched).
 * There, the installed `tracegrade` validates, checks and grades against a bundled spec, its
 * --help points to a doc the package ships, and its bundled specs' $schema header resolves.
 */

import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
let app: string;
let bin: string;

async function tg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa(bin, args, { cwd: app, reject: false, env: { NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracegrade-pack-'));
  // A fresh clone: only the files git tracks (no dist/), with the dev dependencies at hand as
  // after `npm ci` (linked, not reinstalled, to stay fast and offline).
  const clone = join(dir, 'clone');
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of tracked) {
    if (!existsSync(join(ROOT, f))) continue;
    await mkdir(dirname(join(clone, f)), { recursive: true });
    await cp(join(ROOT, f), join(clone, f));
  }
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone, env: { npm_config_loglevel: 'error' } });
  const tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);

  app = join(dir, 'app');
  await mkdir(app);
  await execa('npm', ['init', '-y'], { cwd: app });
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, env: { npm_config_loglevel: 'error' } });
  bin = join(app, 'node_modules', '.bin', 'tracegrade');
}, 170_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const PKG = (): string => join(app, 'node_modules', 'tracegrade');

test('the packed package holds the build, the docs --help names and the schema the specs point to', async () => {
  expect(existsSync(join(PKG(), 'dist', 'bundle', 'cli.cjs'))).toBe(true);
  const help = (await tg(['--help'])).stdout;
  for (const doc of help.match(/docs\/[\w-]+\.md/g) ?? []) expect(existsSync(join(PKG(), doc))).toBe(true);
  expect(help).toMatch(/docs\/cli\.md/);
  const spec = await readFile(join(PKG(), 'specs', 'coroutine-awaited.yaml'), 'utf8');
  const schema = /\$schema=(\S+)/.exec(spec)![1]!;
  expect(existsSync(resolve(PKG(), 'specs', schema))).toBe(true);
});

test('validate, check and grade run from the installed package on a bundled spec', async () => {
  const spec = join(PKG(), 'specs', 'coroutine-awaited.yaml');
  const v = await tg(['validate', spec]);
  expect(v).toMatchObject({ code: 0 });
  const reference = join(ROOT, 'submissions', 'coroutine-awaited', 'reference');
  const c = await tg(['check', reference, '--spec', spec, '--clock', 'virtual']);
  expect(c.stderr).not.toMatch(/internal error|ERR_/);
  expect(c.code).toBe(0);
  expect(c.stdout).toMatch(/visible checks? pass/);
  const g = await tg(['grade', spec, reference, '--out', 'out', '--clock', 'virtual', '--reporter', 'json']);
  expect(g.code).toBe(0);
  const results = JSON.parse(await readFile(join(app, 'out', 'results.json'), 'utf8')) as { submissions: { score: number; maxScore: number }[] };
  expect(results.submissions).toHaveLength(1);
  const { score, maxScore } = results.submissions[0]!;
  expect(maxScore).toBeGreaterThan(0);
  expect(score).toBe(maxScore);
});

test('the installed package is a library too: `tracegrade` and `tracegrade/jest` import, with their types', async () => {
  for (const f of ['dist/index.d.ts', 'dist/jest/index.d.ts', 'docs/library.md', 'docs/examples/jest-autograder/grade.test.mjs']) expect(existsSync(join(PKG(), f))).toBe(true);
  const spec = join(PKG(), 'specs', 'coroutine-awaited.yaml');
  const reference = join(ROOT, 'submissions', 'coroutine-awaited', 'reference');
  const script = [
    "import { grade, explain } from 'tracegrade';",
    "import { matchers, run } from 'tracegrade/jest';",
    `const r = await grade(${JSON.stringify(spec)}, ${JSON.stringify(reference)}, { clock: 'virtual' });`,
    "console.log(`${r.score}/${r.maxScore}`, Object.keys(matchers).join(','), typeof run, explain(r).includes('Score'));",
  ].join('\n');
  const r = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: app, reject: false });
  expect([r.exitCode, String(r.stderr)]).toEqual([0, expect.not.stringMatching(/Error/)]);
  expect(String(r.stdout).trim()).toBe('6/6 toSatisfySpec,toPrintInOrder,toPrintWithin function true');
});

test("record's $schema hint points at the installed package's schema, not ../schema of the repository", async () => {
  const reference = join(ROOT, 'submissions', 'coroutine-awaited', 'reference');
  await mkdir(join(app, 'assignments'), { recursive: true });
  const r = await tg(['record', reference, '--runs', '1', '--out', 'assignments/mine.yaml']);
  expect(r.code).toBe(0);
  const draft = await readFile(join(app, 'assignments', 'mine.yaml'), 'utf8');
  const schema = /\$schema=(\S+)/.exec(draft)![1]!;
  expect(schema).toBe('../node_modules/tracegrade/schema/spec.schema.json');
  expect(existsSync(resolve(app, 'assignments', schema))).toBe(true);
});

test('a clone that was never built says so in one line instead of a stack trace', async () => {
  const bare = join(dir, 'unbuilt');
  await mkdir(join(bare, 'bin'), { recursive: true });
  await cp(join(ROOT, 'bin', 'tracegrade.js'), join(bare, 'bin', 'tracegrade.js'));
  const r = await execa(process.execPath, [join(bare, 'bin', 'tracegrade.js'), '--help'], { reject: false });
  expect(r.exitCode).toBe(2);
  expect(String(r.stderr).trim().split('\n')).toEqual([expect.stringMatching(/not built yet .*npm run build/)]);
});

// Docker as root without bwrap: each run has a uid of its own, which cannot enter the install
// (under a 0700 temp dir here, as under /root in a container). The tracer still loads, from a
// read-only copy the run's uid can read (src/run/runtime-stage.ts).
(process.getuid?.() === 0 ? test : test.skip)('as root at the rlimit level, an install only root can enter still traces every run [needs root]', async () => {
  expect((await stat(dir)).mode & 0o077).toBe(0);
  const spec = join(PKG(), 'specs', 'fetch-and-count.yaml');
  const reference = join(ROOT, 'submissions', 'fetch-and-count', 'reference');
  const c = await tg(['check', reference, '--spec', spec, '--clock', 'virtual', '--sandbox', 'rlimit', '--python', '/usr/bin/python3']);
  expect([c.code, c.stderr]).toEqual([0, expect.not.stringMatching(/not reachable|Could not run/)]);
  expect(c.stdout).toMatch(/\(virtual clock\) · sandbox rlimit/);
  expect(c.stdout).toMatch(/Score 16\/16/);
});
