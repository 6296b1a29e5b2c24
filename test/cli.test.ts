/**
 * The compiled CLI as a real process (`node bin/tracegrade.js …`, built by `npm test`), on
 * small temp specs and Python submissions with short sleeps: exit codes of every command,
 * help texts, positioned validation errors, check's 0/1, report re-rendering, merge, record.
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
import type { GradeResults } from '../src/score/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tracegrade.js');
const VERSION = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' })) as { version: string }).version;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;

async function tg(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? dir,
    reject: false,
    env: { NO_COLOR: '1', ...opts.env },
    extendEnv: true,
    timeout: 60_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

// The virtual clock: the ticks are 0.2 s apart exactly, so no verdict here depends on how
// loaded the machine is (in real time a stalled tick missed the 0.15 s tolerance in CI).
const SPEC = `name: ticks
title: Counts to three, ticking
run:
  runtime: python
  entry: main.py
  clock: virtual
checks:
  - id: starts
    title: Prints start first
    first: start
  - id: counts
    title: Counts 0 to 3 in order, then done
    order: ["0", "1", "2", "3", done]
    hint: Print the numbers before done.
  - id: ticks
    title: Ticks every 0.2 s
    every: { line: /^\\d$/, period: 0.2s, tolerance: 0.15s }
  - id: exits
    title: Exits normally
    exit_code: 0
  - id: secret-bonus
    title: Secret bonus line
    exists: SECRET
    visibility: hidden
`;

const GOOD = `import asyncio

async def main():
    print('start')
    for i in range(4):
        print(i)
        await asyncio.sleep(0.2)
    print('done')

asyncio.run(main())
`;

const BAD = `print('start')
print('done')
for i in range(4):
    print(i)
`;

const BROKEN = `name: broken
run:
  runtime: pyhton
checks:
  - id: a
    exists: x
  - id: a
    order: [x, $nope]
  - id: c
    every: { line: x, period: 1s, tolerance: -1s }
`;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'cli.cjs'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  dir = await mkdtemp(join(tmpdir(), 'tracegrade-cli-'));
  await mkdir(join(dir, 'specs'));
  await writeFile(join(dir, 'specs', 'ticks.yaml'), SPEC);
  for (const [name, code] of [
    ['good', GOOD],
    ['bad', BAD],
  ] as const) {
    await mkdir(join(dir, 'submissions', 'ticks', name), { recursive: true });
    await writeFile(join(dir, 'submissions', 'ticks', name, 'main.py'), code);
  }
  await mkdir(join(dir, 'broken'));
  await writeFile(join(dir, 'broken', 'bad.yaml'), BROKEN);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('usage', () => {
  test('--version prints the package version', async () => {
    const r = await tg(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`tracegrade ${VERSION}`);
  });

  test('--help on the tool and on every command, each with an example', async () => {
    const top = await tg(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['grade', 'check', 'validate', 'record', 'report', 'merge']) expect(top.stdout).toContain(c);
    expect(top.stdout).toMatch(/Exit codes:[\s\S]*3 +internal error/);
    // The docs are named where they are installed, so the path works from any folder.
    const docs = /Docs: (\/\S+\/docs\/cli\.md) \(commands\)/.exec(top.stdout);
    expect(docs).not.toBeNull();
    expect(existsSync(docs![1]!)).toBe(true);
    await Promise.all(
      ['grade', 'check', 'validate', 'record', 'report', 'merge'].map(async (c) => {
        const [r, viaHelp] = await Promise.all([tg([c, '--help']), tg(['help', c])]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`Usage: tracegrade ${c}`);
        expect(r.stdout).toMatch(/Examples?:\n {2}tracegrade /);
        expect(viaHelp.stdout).toBe(r.stdout);
      }),
    );
  });

  test('no command: usage on stderr, exit 2', async () => {
    const r = await tg([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: tracegrade <command>');
  });

  test('unknown option and command: a suggestion and exit 2', async () => {
    const r = await tg(['grade', 'specs', 'submissions', '--jbos', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --jbos — did you mean --jobs?');
    const c = await tg(['check', 'x', '--spc', 'y']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('did you mean --spec?');
    const u = await tg(['grde']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain("unknown command 'grde' — did you mean 'grade'?");
    expect(u.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('bad option values: exit 2 with what is expected', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['grade', 'specs', 'submissions', '--shard', '3/2'], /--shard expects i\/n/],
      [['grade', 'specs', 'submissions', '--jobs', '0'], /--jobs expects a whole number/],
      [['grade', 'specs', 'submissions', '--jobs'], /option --jobs needs a value/],
      [['check', 'submissions/ticks/good', '--clock', 'wall'], /--clock must be one of real, virtual/],
      [['check', 'submissions/ticks/good', '--sandbox', 'bwarp'], /did you mean bwrap\?/],
      [['grade', 'specs', 'submissions', '--reporter', 'json,junt'], /unknown reporter 'junt' — did you mean 'junit'\?/],
      [['grade', 'specs'], /at least one submission/],
    ];
    // Usage errors are caught before anything runs, so these can go in parallel.
    const ran = await Promise.all(cases.map(([args]) => tg(args)));
    cases.forEach(([args, re], i) => {
      expect({ args, code: ran[i]!.code }).toEqual({ args, code: 2 });
      expect(ran[i]!.stderr).toMatch(re);
    });
  });
});

describe('validate', () => {
  test('a valid spec: exit 0', async () => {
    const r = await tg(['validate', 'specs/ticks.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ specs/ticks.yaml — 5 checks');
  });

  test('an invalid spec: every error at once, positioned file:line:col, exit 2', async () => {
    const r = await tg(['validate', 'specs', 'broken/bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken/bad.yaml:3:12: error: 'run.runtime' cannot be 'pyhton' — did you mean 'python'?");
    expect(r.stderr).toMatch(/broken\/bad\.yaml:7:9: error: duplicate check id 'a'/);
    expect(r.stderr).toMatch(/broken\/bad\.yaml:8:16: error: undefined alias \$nope/);
    expect(r.stderr).toMatch(/broken\/bad\.yaml:10:46: error: .*negative/);
    expect(r.stderr).toContain('4 errors in 1 of 2 specs');
    expect(r.stdout).toContain('✓ specs/ticks.yaml');
  });

  test('a missing file or no argument: exit 2', async () => {
    expect((await tg(['validate', 'nope.yaml'])).code).toBe(2);
    expect((await tg(['validate'])).code).toBe(2);
  });
});

describe('check', () => {
  test('every visible check passes: exit 0; the hidden check is neither shown nor run', async () => {
    const r = await tg(['check', 'submissions/ticks/good', '--spec', 'specs/ticks.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ Counts 0 to 3 in order, then done');
    expect(r.stdout).toMatch(/All 4 visible checks pass \(1 more check is hidden/);
    expect(r.stdout).not.toMatch(/secret/i);
  });

  test('a failing check: exit 1, with the explanation and the hint', async () => {
    const r = await tg(['check', 'submissions/ticks/bad', '--spec', 'specs/ticks.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ Counts 0 to 3 in order, then done');
    expect(r.stdout).toContain('hint: Print the numbers before done.');
    expect(r.stdout).toMatch(/of 4 visible checks did not pass/);
    expect(r.stdout).not.toMatch(/secret/i);
  });

  test('without --spec: the spec named after the parent folder in ./specs', async () => {
    const r = await tg(['check', 'submissions/ticks/good']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('against specs/ticks.yaml');
  });

  test('without --spec and no way to tell: a clear message and exit 2', async () => {
    const other = join(dir, 'ambiguous');
    await mkdir(join(other, 'specs'), { recursive: true });
    await mkdir(join(other, 'me'));
    await writeFile(join(other, 'me', 'main.py'), GOOD);
    await writeFile(join(other, 'specs', 'one.yaml'), SPEC.replace('name: ticks', 'name: one'));
    await writeFile(join(other, 'specs', 'two.yaml'), SPEC.replace('name: ticks', 'name: two'));
    const r = await tg(['check', 'me'], { cwd: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot tell which spec to check me against: specs\/ holds 2 specs/);
    expect(r.stderr).toContain('--spec specs/one.yaml (available: one, two)');
    // From inside the submission, specs/ is found in a parent folder.
    const inside = await tg(['check', '.'], { cwd: join(other, 'me') });
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/cannot tell which spec to check \S* against: .*specs\/ holds 2 specs/);
    const alone = await mkdtemp(join(tmpdir(), 'tracegrade-nospecs-'));
    try {
      await writeFile(join(alone, 'main.py'), GOOD);
      const none = await tg(['check', '.'], { cwd: alone });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no specs/ folder');
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  test('an invalid spec: positioned errors and exit 2, nothing run', async () => {
    const r = await tg(['check', 'submissions/ticks/good', '--spec', 'broken/bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken/bad.yaml:3:12: error:');
    expect(r.stderr).toContain('nothing was run');
    expect(r.stdout).toBe('');
  });

  test('python3 missing: one line that says the fix, exit 2', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tracegrade-nopath-'));
    try {
      const r = await tg(['check', 'submissions/ticks/good', '--spec', 'specs/ticks.yaml'], { env: { PATH: empty } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tracegrade check: no python3 found on PATH; install Python 3/)]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('grade, report, merge', () => {
  let full: GradeResults;

  test('grade specs/ submissions/: exit 0 whatever the scores, every report written', async () => {
    const r = await tg(['grade', 'specs', 'submissions', '--out', 'out-full']);
    expect(r.code).toBe(0);
    full = JSON.parse(await readFile(join(dir, 'out-full', 'results.json'), 'utf8')) as GradeResults;
    expect(full.submissions.map((s) => s.id)).toEqual(['bad', 'good']);
    const good = full.submissions.find((s) => s.id === 'good')!;
    const bad = full.submissions.find((s) => s.id === 'bad')!;
    expect(good.score).toBe(good.maxScore - 1); // all but the hidden bonus (it prints no SECRET)
    expect(bad.checks.find((c) => c.id === 'counts')!.status).toBe('failed');
    // The instructor's run includes the hidden check.
    expect(good.checks.map((c) => c.id)).toContain('secret-bonus');
    for (const f of ['junit.xml', 'index.html']) expect(existsSync(join(dir, 'out-full', f))).toBe(true);
    // One line per submission on stdout (not a TTY).
    expect(r.stdout).toMatch(/^✗ bad .*ticks/m);
    expect(r.stdout).toMatch(/^✗ good .*ticks/m);
  });

  test('grade with an invalid spec: exit 2 before running anything', async () => {
    const r = await tg(['grade', 'broken/bad.yaml', 'submissions/ticks', '--out', 'out-broken']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken/bad.yaml:7:9: error: duplicate check id');
    expect(r.stderr).toContain('nothing was run');
    expect(existsSync(join(dir, 'out-broken', 'results.json'))).toBe(false);
  });

  test('grade with a single spec file and a class folder; --gradescope for one submission', async () => {
    const r = await tg(['grade', 'specs/ticks.yaml', 'submissions/ticks/good', '--out', 'out-one', '--gradescope', 'gs/results.json', '--reporter', 'json']);
    expect(r.code).toBe(0);
    const gs = JSON.parse(await readFile(join(dir, 'gs', 'results.json'), 'utf8')) as { score: number; tests: unknown[] };
    expect(gs.tests).toHaveLength(5);
    expect(existsSync(join(dir, 'out-one', 'junit.xml'))).toBe(false); // only the reporters asked for
    const many = await tg(['grade', 'specs/ticks.yaml', 'submissions/ticks', '--out', 'out-many', '--gradescope', 'gs2.json']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--gradescope writes one submission');
    expect(existsSync(join(dir, 'out-many'))).toBe(false); // refused before grading
  });

  test('report re-renders every report from results.json, identical JSON', async () => {
    const r = await tg(['report', 'out-full/results.json', '--out', 'out-rerender']);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'out-rerender', 'results.json'), 'utf8')).toBe(await readFile(join(dir, 'out-full', 'results.json'), 'utf8'));
    expect(await readFile(join(dir, 'out-rerender', 'junit.xml'), 'utf8')).toBe(await readFile(join(dir, 'out-full', 'junit.xml'), 'utf8'));
    expect(existsSync(join(dir, 'out-rerender', 'index.html'))).toBe(true);
  });

  test('report on something that is not results.json: exit 2 with the reason', async () => {
    await writeFile(join(dir, 'not-results.json'), '{"hello": 1}');
    const a = await tg(['report', 'not-results.json']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('not a tracegrade results.json');
    await writeFile(join(dir, 'cut.json'), JSON.stringify({ tool: { name: 'tracegrade' }, schemaVersion: 1, submissions: [{ id: 'x' }] }));
    const b = await tg(['report', 'cut.json']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('submissions[0] is incomplete');
    expect((await tg(['report', 'missing.json'])).code).toBe(2);
  });

  test('shards 1/2 and 2/2 merge into the results of the full run', async () => {
    for (const i of [1, 2]) {
      const r = await tg(['grade', 'specs', 'submissions', '--shard', `${i}/2`, '--out', `out-shard-${i}`, '--reporter', 'json']);
      expect(r.code).toBe(0);
    }
    const partial = await tg(['merge', 'out-shard-1/results.json', '--out', 'out-merged']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('shard 2/2 missing');
    const m = await tg(['merge', 'out-shard-1/results.json', 'out-shard-2/results.json', '--out', 'out-merged']);
    expect(m.code).toBe(0);
    const merged = JSON.parse(await readFile(join(dir, 'out-merged', 'results.json'), 'utf8')) as GradeResults;
    expect(merged.submissions.map((s) => [s.id, s.checks.map((c) => c.status)])).toEqual(full.submissions.map((s) => [s.id, s.checks.map((c) => c.status)]));
  });
});

describe('record', () => {
  test('the drafted spec validates and passes against its reference, and fails a wrong program', async () => {
    const r = await tg(['record', 'submissions/ticks/good', '--runs', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/run 1\/2: .* exit 0/);
    expect(r.stdout).toMatch(/^checks:$/m);
    // Ticks become an `every` when the runs agree on the period; on a loaded machine one run's
    // tick can come late, and the drafter then gives each tick its own delay.
    expect(r.stdout).toMatch(/every:|delay:/);
    expect(r.stdout).toContain('order:');
    expect(r.stdout).toMatch(/runtime: \{ (about|at_most): /);
    await writeFile(join(dir, 'drafted.yaml'), r.stdout);
    const v = await tg(['validate', 'drafted.yaml']);
    expect(v.code).toBe(0);
    const pass = await tg(['check', 'submissions/ticks/good', '--spec', 'drafted.yaml']);
    expect(pass.code).toBe(0);
    const fail = await tg(['check', 'submissions/ticks/bad', '--spec', 'drafted.yaml']);
    expect(fail.code).toBe(1);
  });

  test('a reference without its entry: exit 2 with the fix', async () => {
    const r = await tg(['record', 'submissions/ticks', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no main.py in submissions/ticks');
    expect(r.stdout).toBe('');
  });
});

describe('internal errors', () => {
  function io(env: Record<string, string>): Io & { err: string[] } {
    const err: string[] = [];
    return {
      err,
      stdout: {
        write() {
          throw new TypeError('boom');
        },
      },
      stderr: { write: (s: string) => err.push(s) },
      env,
      cwd: ROOT,
    };
  }

  test('exit 3 with one line and where to report it; the stack only with TRACEGRADE_DEBUG=1', async () => {
    const quiet = io({});
    expect(await main(['--version'], quiet)).toBe(3);
    const text = quiet.err.join('');
    expect(text).toMatch(/^tracegrade: internal error: boom\n/);
    expect(text).toMatch(/This is a bug in tracegrade .*: please report it at .+ with the command you ran/);
    expect(text).not.toMatch(/\n\s+at /);
    const loud = io({ TRACEGRADE_DEBUG: '1' });
    expect(await main(['--version'], loud)).toBe(3);
    expect(loud.err.join('')).toMatch(/TypeError: boom\n\s+at /);
  });
});
