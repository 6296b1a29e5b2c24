/**
 * Issue 11's attacks that go through the whole grader, each a program of test/hostile/ graded by
 * the compiled CLI (`grade` as a process, test/hostile-grade.ts) at every level this machine has:
 *
 * - ci_commands.py: GitHub workflow commands and Markdown in its output, read back from the job
 *   log (GITHUB_ACTIONS=true) by the runner mimic of test/ci-runner.ts, and from the step summary;
 * - bidi_output.py: bidi overrides and zero-width characters: shown as ⟨U+XXXX⟩ in the terminal,
 *   the step summary and the HTML page;
 * - redos.py: 'a'*28 + '!' (and a longer one) against the spec regex /^(a+)+$/: graded at once;
 * - tamper_results.py: rewrites --out's stored results to full marks; `--resume` grades the
 *   victim again (the seal) wherever the rewrite got through, and reuses nothing forged;
 * - many_files.py: a generator of a submission of very many files: "submission too large";
 * - sleeper.py in flight when the grader gets SIGTERM: exit 143, the run killed, its temp gone;
 * - inherited_fd.py: writes into every fd it finds; the grader was started with an inheritable
 *   pipe at fd 200 (as a CI runner's or a container's), which must not reach the run.
 *
 * The levels run side by side (their grades share nothing); within a level, one attack after the
 * other. No verdict depends on timing: the bounds are many times what each grade takes.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SandboxLevel } from '../src/trace/types.js';
import { runnerCommands } from './ci-runner.js';
import { needsLevel } from './facilities.js';
import { HOSTILE, LEVELS, PYTHON, gradeAt, hostileRoot, hostileSubmission, type Graded, type HostileRoot } from './hostile-grade.js';
import { killAllWith, processesWith } from './run-helpers.js';

const isRoot = process.getuid?.() === 0;

// One spec for the output-borne attacks: each check quotes the program's lines in its explanation.
const OUTPUT_SPEC = `name: hostile
title: Hostile output
run: { runtime: python, entry: main.py, clock: real }
checks:
  - { id: ends-done, title: Ends with done, points: 1, last: done }
  - { id: plain, title: Prints plain text, points: 1, absent: "/::|##|\\\\]\\\\(|[\\\\u00ad\\\\u200b-\\\\u200f\\\\u202a-\\\\u202e\\\\u2060-\\\\u2069\\\\ufeff]/" }
  - { id: all-a, title: A line of a's, points: 1, exists: "/^(a+)+$/" }
`;
const DONE_SPEC = (name: string, args: string[] = [], wall = '10s') => `name: ${name}
title: ${name}
run: { runtime: python, entry: main.py, clock: real, args: ${JSON.stringify(args)}, limits: { wall: ${wall} } }
checks:
  - { id: says-done, title: Prints done, points: 1, exists: done }
`;

// Raw invisible characters (what bidi_output.py prints), none of which may reach a report raw.
const RAW_INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

interface Output {
  root: HostileRoot;
  g: Graded;
  summary: string;
}

async function output(level: SandboxLevel, program: string): Promise<Output> {
  const root = hostileRoot(`tg-hcli-${program.replace('.py', '')}-`, OUTPUT_SPEC);
  const id = program.replace('.py', '').replace('_', '-');
  const sub = hostileSubmission(root, id, program);
  const summary = join(root.dir, 'summary.md');
  const g = await gradeAt(level, root, { targets: [sub], env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
  return { root, g, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

interface Tamper {
  first: Graded;
  again: Graded;
  stored: { score: number };
}

/** a-victim fails; z-tamper (graded after it: --jobs 1, in order) rewrites the stored results; then --resume. */
async function tamper(level: SandboxLevel): Promise<Tamper> {
  const root = hostileRoot('tg-hcli-tamper-', '');
  writeFileSync(root.spec, DONE_SPEC('tamper', [root.out]));
  hostileSubmission(root, 'a-victim', '', "print('nope')\n");
  hostileSubmission(root, 'z-tamper', 'tamper_results.py');
  try {
    const first = await gradeAt(level, root, { flags: ['--jobs', '1', '--reporter', 'json'] });
    const again = await gradeAt(level, root, { flags: ['--jobs', '1', '--reporter', 'json', '--resume'] });
    const stored = JSON.parse(readFileSync(join(root.out, '.tracegrade', 'results', 'tamper', 'a-victim.json'), 'utf8')) as { result: { score: number } };
    return { first, again, stored: stored.result };
  } finally {
    root.remove();
  }
}

/** A generated submission of 501 files against a limit of 500 (the default is 10,000: the same code, 20× the files). */
async function manyFiles(level: SandboxLevel): Promise<Graded> {
  const root = hostileRoot('tg-hcli-many-', DONE_SPEC('bulk'));
  try {
    const sub = join(root.dir, 'subs', 'many');
    execFileSync(PYTHON, [join(HOSTILE, 'many_files.py'), sub, '501']);
    hostileSubmission(root, 'ok', '', "print('done')\n");
    return await gradeAt(level, root, { flags: ['--reporter', 'json,terminal'], env: { TRACEGRADE_SUBMISSION_MAX_FILES: '500' } });
  } finally {
    root.remove();
  }
}

/** The grader started with an inheritable pipe at fd 200 (Node itself marks low fds close-on-exec at start); inherited_fd.py writes into every fd past 3 it has. */
async function inheritedFd(level: SandboxLevel): Promise<Graded> {
  const root = hostileRoot('tg-hcli-fd-', DONE_SPEC('fd'));
  try {
    hostileSubmission(root, 'fd', 'inherited_fd.py');
    return await gradeAt(level, root, { flags: ['--reporter', 'json'], inheritPipeAt: 200 });
  } finally {
    root.remove();
  }
}

interface Sigterm {
  g: Graded;
  left: number[];
  tmp: string[];
  stored: string[];
  lock: boolean;
  /** From SIGTERM to the grader's exit (-1: never sent). */
  tookMs: number;
}

/** a-fast finishes; c-slow (sleeper.py, 30 s) is in flight when the grader gets SIGTERM. */
async function sigterm(level: SandboxLevel): Promise<Sigterm> {
  const mark = `tg-marker-${randomUUID()}`;
  const root = hostileRoot('tg-hcli-sigterm-', '');
  writeFileSync(root.spec, DONE_SPEC('sig', [mark], '60s'));
  hostileSubmission(root, 'a-fast', '', "print('done')\n");
  hostileSubmission(root, 'c-slow', 'sleeper.py');
  let sent = 0;
  try {
    const g = await gradeAt(level, root, {
      flags: ['--jobs', '2', '--reporter', 'json'],
      killMs: 45_000,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          const stored = existsSync(join(root.out, '.tracegrade', 'results', 'sig', 'a-fast.json'));
          // The slow run is in flight once a process of it carries the marker (bwrap's own argv does too).
          if (!stored || processesWith(mark).length === 0) return;
          clearInterval(poll);
          sent = Date.now();
          child.kill('SIGTERM');
        }, 50);
        child.on('close', () => clearInterval(poll));
      },
    });
    const tookMs = sent ? Date.now() - sent : -1;
    const left = processesWith(mark);
    killAllWith(mark);
    const dir = join(root.out, '.tracegrade', 'results', 'sig');
    return {
      g,
      left,
      tmp: readdirSync(root.tmp),
      stored: existsSync(dir) ? readdirSync(dir).sort() : [],
      lock: existsSync(join(root.out, '.tracegrade', 'lock')),
      tookMs,
    };
  } finally {
    root.remove();
  }
}

interface Level {
  ci: Output;
  bidi: Output;
  redos: Output;
  tamper: Tamper;
  many: Graded;
  sigterm: Sigterm;
  fd: Graded;
}

const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    if (process.env.TG_HCLI_TIMES) console.log(`${what}: ${Date.now() - t0} ms`);
  }
};

async function attackAt(level: SandboxLevel): Promise<Level> {
  // The three output programs at once (each a short run), then the rest one by one.
  const [[ci, bidi, redos], fd] = await timed(`${level} output`, () =>
    Promise.all([Promise.all(['ci_commands.py', 'bidi_output.py', 'redos.py'].map((p) => output(level, p))), inheritedFd(level)]),
  );
  for (const o of [ci!, bidi!, redos!]) roots.push(o.root); // the tests read their reports
  return {
    ci: ci!,
    bidi: bidi!,
    redos: redos!,
    tamper: await timed(`${level} tamper`, () => tamper(level)),
    many: await timed(`${level} many`, () => manyFiles(level)),
    sigterm: await timed(`${level} sigterm`, () => sigterm(level)),
    fd,
  };
}

// Started together for every level this machine has; each describe awaits its own.
const started = new Map<SandboxLevel, Promise<Level>>();
const roots: HostileRoot[] = [];
afterAll(async () => {
  await Promise.allSettled(started.values());
  for (const r of roots) r.remove();
});
beforeAll(() => {
  for (const level of LEVELS) {
    const p = attackAt(level);
    p.catch(() => undefined); // reported by the tests that await it
    started.set(level, p);
  }
});

/** The job log's report between our stop-commands and its resume token, the token, and what follows. */
function fenced(stdout: string): { token: string; body: string; after: string } {
  const lines = stdout.split('\n');
  const open = lines.findIndex((l) => l.startsWith('::stop-commands::'));
  const token = lines[open]!.slice('::stop-commands::'.length);
  const close = lines.indexOf(`::${token}::`);
  return { token, body: lines.slice(open + 1, close).join('\n'), after: lines.slice(close + 1).join('\n') };
}

describe.each(['bwrap', 'rlimit', 'none'] as const)('graded by the CLI at the %s level', (level) => {
  const d = needsLevel(level);
  // Required but missing (TRACEGRADE_TEST_REQUIRE=bwrap): fail saying so.
  const at = () => started.get(level) ?? Promise.reject(new Error(`the ${level} level is not available here, so its attacks were not run`));

  d.test('ci_commands.py: on GitHub Actions only our annotations and our stop/resume pair run; the summary renders no Markdown of it', async () => {
    const { g, summary } = (await at()).ci;
    expect([g.code, g.stderr]).toEqual([0, expect.any(String)]);
    expect(g.results!.submissions[0]!.runs[0]!.trace.map((l) => l.text)).toContain('::warning title=Grader::Full marks'); // it did print them
    const cmds = runnerCommands(g.stdout);
    const names = cmds.map((c) => c.name);
    // Our ::error annotations (one per failed check, each carrying its whole message), then the fence.
    expect(names).toEqual(['error', 'error', 'error', 'stop-commands', 'resume']);
    for (const c of cmds.filter((x) => x.name === 'error')) expect(c.data).not.toMatch(/\n/);
    const { token, body, after } = fenced(g.stdout);
    expect(token).toMatch(/^tracegrade-[0-9a-f]{32}$/);
    expect(cmds[3]!.data).toBe(token);
    // Second layer: the report between the fences runs nothing even without stop-commands, and no
    // line of it starts with a command.
    expect(runnerCommands(body)).toEqual([]);
    expect(body.split('\n').filter((l) => /^\s*(::|##\[)/u.test(l))).toEqual([]);
    expect(body).toContain('hunter2'); // shown, not masked: the report stays readable
    // The word-wrap attack landed (the explanation quoting the last line wraps right before its command) and was defused.
    expect(body).toMatch(/^\s+\\x3a:warning title=wrapped::Full marks/m);
    expect(runnerCommands(after)).toEqual([]);
    // The step summary: no link, image or raw bracket of the student's.
    expect(summary).toContain('ci-commands');
    expect(summary).not.toMatch(/\]\(|!\[|https?:\/\/|##\[/);
  });

  d.test('bidi_output.py: each invisible character shows as ⟨U+XXXX⟩ in the terminal, the step summary and the HTML page', async () => {
    const { g, summary, root } = (await at()).bidi;
    expect(g.code).toBe(0);
    expect(g.results!.submissions[0]!.runs[0]!.trace.some((l) => l.text.includes('\u202e'))).toBe(true); // it did print them
    const html = readFileSync(join(root.out, 'submissions', 'hostile', 'bidi-output.html'), 'utf8');
    for (const [where, text] of [['terminal', g.stdout], ['summary', summary], ['html', html]] as const) {
      expect([where, RAW_INVISIBLE.test(text)]).toEqual([where, false]);
      expect([where, text.includes('⟨U+202E⟩'), text.includes('⟨U+200B⟩')]).toEqual([where, true, true]);
    }
    expect(g.stdout).toContain('grade: ⟨U+202E⟩01⟨U+202C⟩ done⟨U+200B⟩fetching');
  });

  d.test("redos.py: /^(a+)+$/ against 'a'*28 + '!' (and 'a'*60 + '!') is graded at once, the check failed", async () => {
    const { g } = (await at()).redos;
    expect(g.code).toBe(0);
    // A backtracking engine takes 2^60 steps on the second line: it would never finish, and the 40 s kill would fail this.
    expect(g.signal).toBeNull();
    const check = g.results!.submissions[0]!.checks.find((c) => c.id === 'all-a')!;
    expect([check.status, check.message]).toEqual(['failed', "expected /^(a+)+$/; it never appears"]);
  });

  d.test('tamper_results.py: a stored result rewritten to full marks is graded again by --resume; where it cannot reach the store, nothing changes', async () => {
    const { first, again, stored } = (await at()).tamper;
    expect([first.code, again.code]).toEqual([0, 0]);
    const lines = first.results!.submissions.find((s) => s.id === 'z-tamper')!.runs[0]!.trace.map((l) => l.text);
    const reached = lines.includes('REWROTE a-victim.json');
    if (level === 'bwrap') expect(lines).toContain('store FileNotFoundError'); // nothing of the host is mounted
    else if (level === 'rlimit' && isRoot) expect(lines).toContain('store PermissionError'); // its own uid; --out is 0700
    else expect(reached).toBe(true); // the harness's own user
    // Whatever got through: the victim keeps its 0 and is stored re-sealed with it.
    expect(again.results!.submissions.map((s) => [s.id, s.score])).toEqual([['a-victim', 0], ['z-tamper', 1]]);
    expect(stored.score).toBe(0);
    if (reached) {
      expect(again.stderr).toMatch(/the stored result of tamper\/a-victim \(.*a-victim\.json\) fails verification: it was changed after tracegrade wrote it; grading it again/);
      expect(again.stderr).toMatch(/grading 1 submission, 1 at a time \(1 reused/);
    } else {
      expect(again.stderr).not.toMatch(/fails verification/);
      expect(again.stderr).toMatch(/2 reused/);
    }
  });

  d.test('many_files.py: a submission of 501 files is refused by the bounded copy, "submission too large", and the others are graded', async () => {
    const g = (await at()).many;
    expect(g.code).toBe(0);
    expect(g.ms).toBeLessThan(30_000);
    const by = Object.fromEntries(g.results!.submissions.map((s) => [s.id, s]));
    expect(by.many!.error).toMatch(/^submission too large: more than 500 files \(limit 500 files; raise it with TRACEGRADE_SUBMISSION_MAX_FILES=…\)/);
    expect(by.ok!.score).toBe(1);
    expect(g.stdout).toMatch(/^.*many.*submission too large/m); // the terminal's line for it
  });

  d.test('inherited_fd.py: a pipe the grader inherited (fd 200, as from a CI runner) never reaches the run, so nothing is written into it', async () => {
    const g = (await at()).fd;
    expect(g.code).toBe(0);
    const lines = g.results!.submissions[0]!.runs[0]!.trace.map((l) => l.text);
    expect(lines).toEqual(['wrote to []', 'done']);
    expect(g.inherited).toBe('');
  });

  d.test('sleeper.py in flight when the grader gets SIGTERM: exit 143, the run killed, its temp folder gone, what finished kept', async () => {
    const s = (await at()).sigterm;
    expect(s.tookMs).toBeGreaterThanOrEqual(0); // the signal was sent mid-batch
    expect(s.tookMs).toBeLessThan(15_000); // not the 30 s the sleeper would take
    expect([s.g.code, s.g.stderr]).toEqual([143, expect.stringMatching(/terminated \(SIGTERM\)/)]);
    expect(s.left).toEqual([]);
    expect(s.tmp).toEqual([]);
    expect(s.stored).toEqual(['a-fast.json']);
    expect(s.g.results!.submissions.map((x) => [x.id, x.score])).toEqual([['a-fast', 1]]);
    expect(s.lock).toBe(false);
  });
});
