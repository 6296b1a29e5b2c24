/**
 * The example autograder of docs/library.md ("Inside Jest"), run as an instructor runs it: a
 * real Jest process in a folder of its own, where `tracegrade` is an installed package (a link
 * to this built repository). A passing submission passes; a failing one fails with the words
 * `tracegrade check` prints, in Jest's output and in its --json report.
 */

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'docs', 'examples', 'jest-autograder');
const BROKEN = join(ROOT, 'submissions', 'node-event-loop', 'timeout-called-at-once');
let dir: string;

interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** Jest on the example folder; `submission` is graded instead of the example's own when given. */
async function jest(name: string, submission?: string): Promise<{ code: number; output: string; json: JestJson }> {
  const out = join(dir, `${name}.json`);
  const args = ['--experimental-vm-modules', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js')];
  args.push('--config', '{}', '--rootDir', dir, '--ci', '--no-watchman', '--reporters=default', '--json', '--outputFile', out);
  const env = { NO_COLOR: '1', FORCE_COLOR: '0', ...(submission ? { SUBMISSION: submission } : {}) };
  const r = await execa(process.execPath, args, { cwd: dir, env, reject: false, all: true, timeout: 120_000 });
  return { code: r.exitCode ?? -1, output: String(r.all), json: JSON.parse(await readFile(out, 'utf8')) as JestJson };
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'jest', 'index.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  dir = await mkdtemp(join(tmpdir(), 'tg-jest-example-'));
  await cp(EXAMPLE, dir, { recursive: true });
  await mkdir(join(dir, 'node_modules'));
  await symlink(ROOT, join(dir, 'node_modules', 'tracegrade'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('docs/library.md shows the example test file as it is', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'library.md'), 'utf8');
  expect(doc).toContain(`\`\`\`js\n${await readFile(join(EXAMPLE, 'grade.test.mjs'), 'utf8')}\`\`\`\n`);
});

test('the example autograder passes the example submission', async () => {
  const r = await jest('pass');
  expect([r.code, r.json.numPassedTests, r.json.numFailedTests]).toEqual([0, 3, 0]);
  expect(r.output).toMatch(/✓ meets the whole spec/);
}, 150_000);

test('a broken submission fails every test, with the explanations `tracegrade check` gives', async () => {
  const r = await jest('fail', BROKEN);
  expect([r.code, r.json.numPassedTests, r.json.numFailedTests]).toEqual([1, 0, 3]);
  const cli = await execa(process.execPath, [join(ROOT, 'bin', 'tracegrade.js'), 'check', BROKEN, '--spec', join(dir, 'event-loop.yaml')], {
    env: { NO_COLOR: '1' },
    reject: false,
  });
  expect(cli.exitCode).toBe(1);
  // The check titles, explanations and hints (trace line numbers aside: stdout and stderr of two
  // runs may interleave differently at one instant).
  const norm = (t: string) => t.replace(/line \d+/g, 'line N');
  const explanations = norm(String(cli.stdout)).split('\n').filter((l) => /^\s+(✗|hint:|expected)/.test(l));
  expect(explanations.length).toBeGreaterThan(6);
  const whole = r.json.testResults[0]!.assertionResults.find((a) => a.title === 'meets the whole spec')!;
  expect(whole.status).toBe('failed');
  const message = norm(whole.failureMessages.join('\n'));
  for (const line of explanations) expect(message).toContain(line);
  expect(message).toMatch(/timeout-called-at-once does not satisfy event-loop: 4 of 4 checks did not pass/);
  // Jest's own terminal report carries it too.
  expect(norm(r.output)).toContain(explanations[1]!.trim());
  // The quick matchers explain themselves the same way.
  const within = r.json.testResults[0]!.assertionResults.find((a) => a.title.startsWith('"timeout 500"'))!;
  expect(within.failureMessages.join('\n')).toMatch(/expected 'timeout 500' between 450 ms and 600 ms after 'start'/);
}, 150_000);
