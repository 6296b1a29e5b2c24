/**
 * The fork server (src/run/fork-server.ts, on at bwrap unless TRACEGRADE_FORK_SERVER=0): a program forked
 * into its bwrap sandbox from a preloaded interpreter must be indistinguishable from one started
 * there — the same view of its process and sandbox, fact by fact, and on the bundled
 * fetch-and-count class the same trace and the same verdict and explanation for every check.
 * Where the machine refuses it, runs start as before and grade the same. Both through the
 * compiled CLI (`grade`: forks serve pre-started runs).
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeAll } from '../src/batch/grade-all.js';
import type { Job } from '../src/batch/types.js';
import { prepareRun } from '../src/run/runner.js';
import type { GradeResults } from '../src/score/types.js';
import type { RunSettings } from '../src/spec/types.js';
import { makeSpec } from './batch-helpers.js';
import { PYTHON_MINORS, needs } from './facilities.js';
import { wasForked } from './run-helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const BIN = path.join(ROOT, 'bin', 'tracegrade.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `fork`: the default (on), or off with TRACEGRADE_FORK_SERVER=0; `env`: more for the grader. */
async function grade(spec: string, subs: string, fork: boolean, extra: string[] = [], env: Record<string, string> = {}): Promise<GradeResults> {
  const out = mkdtempSync(path.join(tmpdir(), 'tg-fork-'));
  dirs.push(out);
  const child = spawn(process.execPath, [BIN, 'grade', spec, subs, '--jobs', '1', '--sandbox', 'bwrap', '--reporter', 'json', '--out', out, ...extra], {
    env: { ...withoutFork(process.env), ...(fork ? {} : { TRACEGRADE_FORK_SERVER: '0' }), GITHUB_ACTIONS: '', CI: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`grade exited ${code}: ${err}`);
  return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as GradeResults;
}

function withoutFork(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { TRACEGRADE_FORK_SERVER: _on, TRACEGRADE_FORK_SERVER_FAULT: _fault, ...rest } = env;
  return rest;
}

const lines = (r: GradeResults, id: string) => r.submissions.find((s) => s.id === id)!.runs[0]!.trace.map((l) => `${l.stream} ${l.text}`);
const forked = (r: GradeResults) => r.submissions.map((s) => wasForked(s.runs[0]!));

needs('bwrap').describe('a run forked by the fork server', () => {
  // Every installed Python: what the interpreter gives a started entry changed between versions
  // (3.8 runs it under its relative name; 3.10 added sys.orig_argv).
  const each = PYTHON_MINORS.map((m) => ({ label: `3.${m}`, check: needs(`python3.${m}`) }));

  describe.each(each)('Python $label', ({ label, check }) => {
  check.test('sees what a started run sees: ids, capabilities, no_new_privs, files, argv, env, limits, fds, cgroup, stdin, network, user namespaces; its own session', async () => {
    const spec = path.join(HERE, 'fixtures', 'fork-view', 'view.yaml');
    // The same program twice: a batch's first run starts cold, the second is pre-started.
    const subs = mkdtempSync(path.join(tmpdir(), 'tg-fork-view-'));
    dirs.push(subs);
    for (const id of ['view', 'view2']) {
      mkdirSync(path.join(subs, id));
      copyFileSync(path.join(HERE, 'fixtures', 'fork-view', 'view', 'main.py'), path.join(subs, id, 'main.py'));
    }
    const py = ['--python', label];
    const [started, fork] = await Promise.all([grade(spec, subs, false, py), grade(spec, subs, true, py)]);
    expect(forked(started)).toEqual([false, false]);
    expect(forked(fork)).toEqual([false, true]);
    for (const id of ['view', 'view2']) {
      const a = lines(started, id);
      expect(a).toContain('stdout asyncio ran');
      expect(a).toContain('stdout NoNewPrivs 1');
      expect(a).toContain('stdout network blocked OSError');
      expect(a).toContain('stdout stdin True from the spec');
      // The one difference, kept on purpose: a forked program leads a session of its own (a
      // started one is in bwrap's), so no signal of its group reaches the fork server's.
      const f = lines(fork, id);
      expect(a).toContain('stdout sid False pgrp False');
      expect(f).toContain(id === 'view2' ? 'stdout sid True pgrp True' : 'stdout sid False pgrp False');
      const bare = (xs: string[]) => xs.filter((l) => !l.startsWith('stdout sid '));
      expect(bare(f)).toEqual(bare(a));
    }
  });

  check.test('fails, exits and warns as a started program does: syntax errors, tracebacks, SystemExit, KeyboardInterrupt, recursion, atexit, __main__', async () => {
    const spec = path.join(HERE, 'fixtures', 'fork-parity', 'parity.yaml');
    const subs = path.join(HERE, 'fixtures', 'fork-parity', 'subs');
    const py = ['--python', label];
    const [started, fork] = await Promise.all([grade(spec, subs, false, py), grade(spec, subs, true, py)]);
    expect(forked(fork).filter(Boolean)).toHaveLength(fork.submissions.length - 1); // all but 000-first
    const view = (r: GradeResults) =>
      r.submissions.map((s) => {
        const run = s.runs[0]!;
        return { id: s.id, end: run.end, exitCode: run.exitCode, signal: run.signal, checks: s.checks.map((c) => `${c.id}=${c.status}`), lines: run.trace.map((l) => `${l.stream} ${l.text}`) };
      });
    expect(view(fork)).toEqual(view(started));
  });

  check.test('grades the bundled fetch-and-count class exactly as started runs do: every trace, verdict and explanation', async () => {
    const spec = path.join(ROOT, 'specs', 'fetch-and-count.yaml');
    const subs = path.join(ROOT, 'submissions', 'fetch-and-count');
    const started = await grade(spec, subs, false, ['--clock', 'virtual', '--python', label]);
    const fork = await grade(spec, subs, true, ['--clock', 'virtual', '--python', label]);
    expect(forked(fork).filter(Boolean)).toHaveLength(fork.submissions.length - 1); // all but the first
    const view = (r: GradeResults) =>
      r.submissions.map((s) => ({ id: s.id, score: s.score, checks: s.checks.map((c) => [c.id, c.status, c.message]), trace: s.runs[0]!.trace.map((l) => [l.stream, l.text, l.tMs]) }));
    expect(view(fork)).toEqual(view(started));
  });
  });

  test("a forked program finds no other run's settings in the memory it was copied from (a spec's env graded before it)", async () => {
    // Each program reads its whole memory for values shaped like spec A's secret. The pattern
    // cannot match itself ('[' is not hex).
    const scan = [
      'import re',
      'pat, found = re.compile(rb"fork-leak-[0-9a-f]{8}"), set()',
      'with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:',
      '    for line in maps:',
      '        addr, perms = line.split()[:2]',
      '        lo, hi = (int(x, 16) for x in addr.split("-"))',
      '        if not perms.startswith("r") or hi - lo > 1 << 28:',
      '            continue',
      '        try:',
      '            mem.seek(lo)',
      '            found.update(m.decode() for m in pat.findall(mem.read(hi - lo)))',
      '        except OSError:',
      '            pass',
      'print("found", sorted(found))',
      'print("done")',
    ].join('\n');
    const dir = mkdtempSync(path.join(tmpdir(), 'tg-fork-leak-'));
    dirs.push(dir);
    for (const id of ['a1', 'a2', 'b']) {
      mkdirSync(path.join(dir, id));
      writeFileSync(path.join(dir, id, 'main.py'), `${scan}\n`);
    }
    const secret = `fork-leak-${randomBytes(4).toString('hex')}`;
    const specA = makeSpec('with-secret', { env: { SECRET: secret } });
    const specB = makeSpec('other');
    const jobs: Job[] = [
      { spec: specA, submission: path.join(dir, 'a1'), id: 'a1' },
      { spec: specA, submission: path.join(dir, 'a2'), id: 'a2' },
      { spec: specB, submission: path.join(dir, 'b'), id: 'b' },
    ];
    const was = { ...process.env };
    delete process.env.TRACEGRADE_FORK_SERVER;
    try {
      const res = await gradeAll(jobs, { jobs: 1, sandbox: 'bwrap', outDir: path.join(dir, 'out') });
      const seen = (id: string) => res.submissions.find((s) => s.id === id)!.runs[0]!;
      expect(['a2', 'b'].map((id) => wasForked(seen(id)))).toEqual([true, true]);
      expect(seen('a2').trace[0]!.text).toBe(`found ['${secret}']`); // the scan works: its own spec's env
      expect(seen('b').trace[0]!.text).toBe('found []');
    } finally {
      process.env = was;
    }
  });

  test("the repeats of one submission never share a hash seed, as started runs don't (each run's slot has its own server)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tg-fork-seed-'));
    dirs.push(dir);
    const spec = path.join(dir, 'seed.yaml');
    writeFileSync(spec, 'name: seed\ntitle: seed\nrun: { runtime: python, entry: main.py, repeat: 3 }\nchecks:\n  - { id: ran, title: ran, points: 1, exit_code: 0 }\n');
    for (const id of ['a', 'b']) {
      mkdirSync(path.join(dir, 'subs', id), { recursive: true });
      // A string's hash follows the interpreter's seed, as a set's order does.
      writeFileSync(path.join(dir, 'subs', id, 'main.py'), "print(hash('tracegrade'))\n");
    }
    const res = await grade(spec, path.join(dir, 'subs'), true);
    const b = res.submissions.find((s) => s.id === 'b')!;
    expect(b.runs.map(wasForked)).toEqual([true, true, true]);
    for (const s of res.submissions) expect(new Set(s.runs.map((r) => r.trace[0]!.text)).size).toBe(3);
  });

  // Last: the in-process one below leaves this module's record of the interpreter refused.
  test('where the machine refuses to fork into a sandbox (a kernel before 5.6, a seccomp filter), runs start as before and grade the same', async () => {
    const spec = path.join(ROOT, 'specs', 'fetch-and-count.yaml');
    const subs = path.join(ROOT, 'submissions', 'fetch-and-count');
    // The server refuses as such a kernel would (EPERM from pidfd_getfd): the first fork fails,
    // that run starts cold, and no later run asks the server again.
    const refused = await grade(spec, subs, true, ['--clock', 'virtual'], { TRACEGRADE_FORK_SERVER_FAULT: 'eperm' });
    const started = await grade(spec, subs, false, ['--clock', 'virtual']);
    expect(forked(refused).filter(Boolean)).toEqual([]);
    const view = (r: GradeResults) => r.submissions.map((s) => ({ id: s.id, score: s.score, checks: s.checks.map((c) => [c.id, c.status, c.message]), stderr: s.runs[0]!.trace.filter((l) => l.stream === 'stderr').map((l) => l.text) }));
    expect(view(refused)).toEqual(view(started));
  });

  test('a pre-started run the server could not fork starts cold, even when its start is asked for at once', async () => {
    const sub = mkdtempSync(path.join(tmpdir(), 'tg-fork-refused-'));
    dirs.push(sub);
    writeFileSync(path.join(sub, 'main.py'), "import asyncio\nasync def main():\n    await asyncio.sleep(0.1)\n    print('done')\nasyncio.run(main())\n");
    const settings: RunSettings = { runtime: 'python', entry: 'main.py', args: [], env: {}, files: [], limits: {}, clock: 'virtual', repeat: 1, policy: 'all' };
    const was = { ...process.env };
    process.env.TRACEGRADE_FORK_SERVER_FAULT = 'eperm';
    delete process.env.TRACEGRADE_FORK_SERVER;
    try {
      // start() comes before the server's answer: it must wait for it, not send go to the holder.
      const rec = await prepareRun({ submission: sub, settings, sandbox: 'bwrap' }, true).start();
      expect([rec.end, rec.exitCode, rec.trace.map((l) => `${l.tMs} ${l.text}`)]).toEqual(['exited', 0, ['100 done']]);
      expect(wasForked(rec)).toBe(false);
    } finally {
      process.env = was;
    }
  });

});
