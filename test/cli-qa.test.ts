/**
 * What a user meets end to end, found by using the CLI on the bundled curriculum: one way to
 * load specs (validate, grade and check agree), bad input answered in one line, the terminal
 * width honoured, --gradescope for one student graded against several specs. The compiled
 * CLI runs as a real process; the width test calls main() with a fake TTY.
 */

import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tracegrade.js');

let dir: string;

async function tg(args: string[], opts: { cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? dir, reject: false, env: { NO_COLOR: '1' }, extendEnv: true, timeout: 60_000 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const spec = (name: string, hint = 'Print the numbers before done.'): string => `name: ${name}
run:
  runtime: python
  entry: main.py
checks:
  - id: counts
    title: Counts 0 to 2 in order, then prints done after a short and well explained wait
    order: ["0", "1", "2", done]
    hint: ${hint}
  - id: exits
    exit_code: 0
`;

const GOOD = `print(0)\nprint(1)\nprint(2)\nprint('done')\n`;
const BAD = `print('done')\nprint(0)\nprint(1)\nprint(2)\n`;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'cli.cjs'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  dir = await mkdtemp(join(tmpdir(), 'tracegrade-qa-'));
  await mkdir(join(dir, 'specs'));
  await writeFile(join(dir, 'specs', 'counts.yaml'), spec('counts'));
  await writeFile(join(dir, 'specs', 'counts-again.yaml'), spec('counts-again'));
  await mkdir(join(dir, 'alice'));
  await writeFile(join(dir, 'alice', 'main.py'), GOOD);
  await mkdir(join(dir, 'bob'));
  await writeFile(join(dir, 'bob', 'main.py'), BAD);
  await mkdir(join(dir, 'empty'));
  await mkdir(join(dir, 'dups'));
  await writeFile(join(dir, 'dups', 'a.yaml'), spec('same'));
  await writeFile(join(dir, 'dups', 'b.yaml'), spec('same'));
  await writeFile(join(dir, 'README.md'), '# Notes\n\nRun `tracegrade check`: it says what is wrong.\n\n| a | b |\n|---|---|\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('one way to load specs', () => {
  test('validate catches two specs with the same name, as grade does, and names both files', async () => {
    const v = await tg(['validate', 'dups']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("dups/b.yaml: error: spec name 'same' is also used by dups/a.yaml");
    expect(v.stderr).toContain('1 error in 1 of 2 specs');
    const g = await tg(['grade', 'dups', 'alice', '--out', 'out-dups']);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("dups/b.yaml: error: spec name 'same' is also used by dups/a.yaml");
    expect(g.stderr).toContain('nothing was run');
    expect(existsSync(join(dir, 'out-dups'))).toBe(false);
  });

  test('a README given as the spec: one error that says so, not one per line of markdown', async () => {
    for (const args of [['validate', 'README.md'], ['check', 'alice', '--spec', 'README.md']]) {
      const r = await tg(args);
      expect(r.code).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => /: error: /.test(l));
      expect(errors).toEqual([expect.stringMatching(/^README\.md: error: README\.md is not a spec: its name does not end in \.yaml or \.yml/)]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('a missing spec or an empty spec folder: the path and the fix, exit 2', async () => {
    const missing = await tg(['validate', 'specs/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('specs/nope.yaml: error: no such file or directory');
    expect(missing.stderr).toContain('hint: give a spec file (.yaml) or a folder of specs');
    const empty = await tg(['grade', 'empty', 'alice']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('empty: error: this directory holds no .yaml or .yml spec files');
  });
});

describe('bad input, one line each', () => {
  test('check on an empty folder: one line saying why nothing ran, not a ✗ per check', async () => {
    const r = await tg(['check', 'empty', '--spec', 'specs/counts.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // Without bwrap, a warning names the weaker sandbox level first: not a line about the submission.
    const lines = r.stderr.trim().split('\n').filter((l) => !/^warning: running submissions with the '\w+' sandbox level/.test(l));
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^✗ Could not run your submission: .*empty/)]);
  });

  test('check --spec with a folder picks the spec from it, as without --spec', async () => {
    await mkdir(join(dir, 'class', 'counts-again', 'carol'), { recursive: true });
    await writeFile(join(dir, 'class', 'counts-again', 'carol', 'main.py'), GOOD);
    const r = await tg(['check', 'class/counts-again/carol', '--spec', 'specs']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('against specs/counts-again.yaml');
  });

  test('check on a file that is not Python: a warning, then the checks', async () => {
    const r = await tg(['check', 'README.md', '--spec', 'specs/counts.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warning: README\.md is not a \.py file; running it as Python anyway/m);
  });

  test('a second spec given where submissions go: said plainly, nothing graded', async () => {
    const r = await tg(['grade', 'specs/counts.yaml', 'specs/counts-again.yaml', 'alice', '--out', 'out-stray']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('specs/counts-again.yaml looks like a spec, but grade takes one spec');
    expect(r.stderr).toContain('tracegrade grade specs/ submissions/');
    expect(existsSync(join(dir, 'out-stray'))).toBe(false);
  });
});

describe('--gradescope', () => {
  test('one submission graded against several specs: allowed, one document with every spec\'s tests', async () => {
    const r = await tg(['grade', 'specs', 'alice', '--out', 'out-gs', '--gradescope', 'gs/results.json', '--reporter', 'json']);
    expect(r.code).toBe(0);
    const gs = JSON.parse(await readFile(join(dir, 'gs', 'results.json'), 'utf8')) as { score: number; tests: Array<{ name: string }> };
    expect(gs.tests.map((t) => t.name.split(':')[0])).toEqual(['counts', 'counts', 'counts-again', 'counts-again']);
    expect(gs.score).toBe(4);
  });

  test('two submissions: still refused before anything is graded', async () => {
    const r = await tg(['grade', 'specs/counts.yaml', 'alice', 'bob', '--out', 'out-gs2', '--gradescope', 'gs2.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('but 2 submissions were found');
    expect(existsSync(join(dir, 'out-gs2'))).toBe(false);
  });
});

describe('terminal width', () => {
  function ttyIo(columns: number): Io & { out: () => string } {
    const chunks: string[] = [];
    return {
      stdout: { write: (s: string) => chunks.push(s), isTTY: true, columns },
      stderr: { write: () => true },
      env: { NO_COLOR: '1' },
      cwd: dir,
      out: () => chunks.join(''),
    };
  }

  test('check wraps explanations and hints to the terminal\'s columns', async () => {
    const narrow = ttyIo(60);
    expect(await main(['check', 'bob', '--spec', 'specs/counts.yaml'], narrow)).toBe(1);
    const prose = narrow.out().split('\n').filter((l) => /^ {6}\S/.test(l) && !l.includes('│'));
    expect(prose.length).toBeGreaterThan(1);
    for (const l of prose) expect(l.length).toBeLessThanOrEqual(60);
    const wide = ttyIo(150);
    expect(await main(['check', 'bob', '--spec', 'specs/counts.yaml'], wide)).toBe(1);
    // The title line is padded to the width: its points end at column 150.
    expect(wide.out().split('\n').find((l) => l.includes('✗ Counts 0 to 2'))!.length).toBe(150);
  });
});

describe('record: the drafted spec is named after the assignment', () => {
  test('a folder named for its role (reference, solution) gives its parent\'s name', async () => {
    const { defaultName } = await import('../src/cli/commands/record.js');
    // Seen recording submissions/fetch-and-count/reference: `name: "reference"`.
    expect(defaultName('/x/submissions/fetch-and-count/reference', false)).toBe('fetch-and-count');
    expect(defaultName('/x/hw3/solution', false)).toBe('hw3');
    expect(defaultName('/x/hw3/main.py', true)).toBe('hw3');
    expect(defaultName('/x/hw3/reference/main.py', true)).toBe('hw3');
    expect(defaultName('/x/ticker', false)).toBe('ticker');
    expect(defaultName('/x/My Ticker.py', true)).toBe('my-ticker');
    expect(defaultName('/reference', false)).toBe('reference');
  });
});

describe('nothing graded is lost to a bad output path', () => {
  test('--out naming a file: refused before grading, not after', async () => {
    await writeFile(join(dir, 'not-a-folder'), 'x');
    const r = await tg(['grade', 'specs/counts.yaml', 'alice', '--out', 'not-a-folder']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tracegrade grade: cannot write reports to not-a-folder: /m);
    expect(r.stderr).not.toContain('grading 1 submission'); // nothing ran
  });

  test('--gradescope naming a folder writes results.json in it', async () => {
    await mkdir(join(dir, 'autograder-results'));
    for (const target of ['autograder-results', 'new-results/']) {
      const r = await tg(['grade', 'specs/counts.yaml', 'alice', '--out', 'out-gsdir', '--reporter', 'json', '--gradescope', target]);
      expect(r.code).toBe(0);
      expect(JSON.parse(await readFile(join(dir, target, 'results.json'), 'utf8')).score).toBe(2);
    }
  });

  test('a report that cannot be written: exit 4 (not "internal error"), naming what was written and how to redo it', async () => {
    await writeFile(join(dir, 'blocker'), 'x');
    const r = await tg(['grade', 'specs/counts.yaml', 'alice', '--out', 'out-partial', '--gradescope', 'blocker/gs.json']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^tracegrade grade: could not write gradescope: /m);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('tracegrade report out-partial/results.json');
    // What was graded is saved.
    expect(JSON.parse(await readFile(join(dir, 'out-partial', 'results.json'), 'utf8')).submissions).toHaveLength(1);
  });
});

describe('option values that look like options', () => {
  test('--time-scale -1 says what followed, not just "needs a value"', async () => {
    const r = await tg(['check', 'alice', '--spec', 'specs/counts.yaml', '--time-scale', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option --time-scale needs a value, but '-1' follows it (write --time-scale=-1 to give it as the value)");
    const eq = await tg(['check', 'alice', '--spec', 'specs/counts.yaml', '--time-scale=-1']);
    expect(eq.code).toBe(2);
    expect(eq.stderr).toContain("--time-scale expects a number greater than 0, not '-1'");
    const out = await tg(['grade', 'specs', 'alice', '--out', '--jobs', '2']);
    expect(out.stderr).toContain("option --out needs a value, but '--jobs' follows it");
  });
});

describe('check without --spec, from inside the submission', () => {
  test('finds specs/ in a parent folder and the spec named after the assignment folder', async () => {
    await mkdir(join(dir, 'work', 'counts', 'dave'), { recursive: true });
    await writeFile(join(dir, 'work', 'counts', 'dave', 'main.py'), GOOD);
    await mkdir(join(dir, 'work', 'specs'));
    await writeFile(join(dir, 'work', 'specs', 'counts.yaml'), spec('counts'));
    await writeFile(join(dir, 'work', 'specs', 'other.yaml'), spec('other'));
    const r = await tg(['check', '.'], { cwd: join(dir, 'work', 'counts', 'dave') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/against .*work\/specs\/counts\.yaml/);
  });
});
