/**
 * The hostile corpus under the bwrap level: every program is contained and reported with a
 * precise reason, the harness keeps running, and the trace before the failure is kept.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { prepareRun, runSubmission } from '../src/run/index.js';
import { needs } from './facilities.js';
import type { Limits } from '../src/spec/types.js';
import { HOSTILE, SMALL, killAllWith, wasForked, marker, processesWith, removeTempDirs, settings, tempDir, texts } from './run-helpers.js';

afterAll(removeTempDirs);

const hostile = (name: string) => path.join(HOSTILE, name);
const isRoot = process.getuid?.() === 0;
// In CI the bwrap level must work (.ci/run installs bubblewrap and requires it): fails there instead of skipping.
const d = needs('bwrap').describe;

/**
 * How the corpus's runs start: as a single run does, or pre-started as a batch's are, which at
 * bwrap forks a Python program into its sandbox from the fork server (docs/batch.md): every
 * guarantee below must hold for both.
 */
let how: 'started' | 'forked' = 'started';

async function run(name: string, opts: { args?: string[]; limits?: Partial<Limits>; stdin?: string; sandbox?: 'bwrap' | 'rlimit' | 'none' } = {}) {
  const mark = marker();
  const started = Date.now();
  const runOpts = {
    submission: hostile(name),
    sandbox: opts.sandbox ?? 'bwrap',
    settings: settings({ args: [...(opts.args ?? []), mark], stdin: opts.stdin }),
    limits: { ...SMALL, ...opts.limits },
  };
  const r = how === 'forked' ? await prepareRun(runOpts, true).start() : await runSubmission(runOpts);
  if (name.endsWith('.py') && runOpts.sandbox === 'bwrap') expect(wasForked(r)).toBe(how === 'forked');
  const elapsed = Date.now() - started;
  const left = processesWith(mark);
  killAllWith(mark);
  return { r, left, elapsed, lines: texts(r) };
}

d.each(['started', 'forked'] as const)('hostile corpus under bwrap, %s', (mode) => {
  beforeAll(() => {
    how = mode;
  });
  afterAll(() => {
    how = 'started';
  });

  test('infinite CPU loop: killed at the wall-time limit, nothing left', async () => {
    const { r, left, lines } = await run('cpu_loop.py', { limits: { wallMs: 1500 } });
    expect(r.end).toBe('timeout');
    expect(r.timedOut).toBe(true);
    expect(r.endDetail).toMatch(/killed after the 1\.5 s wall-time limit/);
    // SIGTERM first; SIGKILL when the sandbox has not wound down 300 ms later (a busy machine).
    expect(['SIGTERM', 'SIGKILL']).toContain(r.signal);
    expect(r.wallMs + (r.startupMs ?? 0)).toBeGreaterThanOrEqual(1500); // the limit counts from spawn, wallMs from the program's start
    expect(lines[0]).toBe('start');
    expect(left).toEqual([]);
  });

  test('infinite CPU loop: SIGXCPU at the CPU-time limit', async () => {
    const { r, lines } = await run('cpu_loop.py', { limits: { wallMs: 15000, cpuMs: 1000 } });
    expect(r.end).toBe('cpu-limit');
    expect(r.signal).toBe('SIGXCPU');
    expect(r.endDetail).toMatch(/SIGXCPU at the 1 s CPU-time limit/);
    expect(r.timedOut).toBe(false);
    if (isRoot) expect(r.cpuMs).toBeGreaterThan(500); // from the run's cpuacct cgroup (tick-based, a little under the rlimit)
    expect(lines[0]).toBe('start');
  });

  test('output flood: stopped at the output limit, the trace up to it kept', async () => {
    const { r, left, lines } = await run('output_flood.py', { limits: { outputBytes: 64 * 1024 } });
    expect(r.end).toBe('output-limit');
    expect(r.truncated).toBe(true);
    expect(r.endDetail).toMatch(/output limit \(64 KiB\)/);
    expect(lines[0]).toBe('start');
    const bytes = lines.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024 + 1);
    expect(bytes).toBeGreaterThan(60 * 1024);
    expect(left).toEqual([]);
  });

  test('fork bomb: the process limit holds and no process is left', async () => {
    const { r, left, lines, elapsed } = await run('fork_bomb.py', { limits: { wallMs: 2000, processes: 32 } });
    expect(r.end).toBe('timeout');
    if (isRoot) expect(r.endDetail).toMatch(/process limit \(32\) refused \d+ forks?/);
    expect(lines[0]).toBe('start');
    expect(left).toEqual([]);
    expect(elapsed).toBeLessThan(8000);
  });

  test('memory bomb: memory limit reached with MemoryError, start kept', async () => {
    const { r, lines } = await run('memory_bomb.py', { limits: { memoryBytes: 192 * 1048576 } });
    expect(r.end).toBe('memory-limit');
    expect(r.endDetail).toMatch(/^memory limit \(192 MiB\) reached: MemoryError; raise it with run\.limits\.memory/);
    expect(r.exitCode).toBe(1);
    expect(lines[0]).toBe('start');
  });

  test('network: no connection to the host or outside, no DNS', async () => {
    let leaked = false;
    const server = net.createServer((s) => {
      leaked = true;
      s.destroy();
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { r, lines } = await run('network.py', { args: [String(port)] });
      expect(r.end).toBe('exited');
      expect(lines).toContain('local: blocked (ConnectionRefusedError)');
      expect(lines.some((l) => /^outside: blocked/.test(l))).toBe(true);
      expect(lines.some((l) => /^dns: blocked/.test(l))).toBe(true);
      expect(leaked).toBe(false);
    } finally {
      server.close();
    }
  });

  test('reading outside its copy: other submissions, specs, home, env secrets are invisible', async () => {
    const other = tempDir('tg-other-');
    writeFileSync(path.join(other, 'main.py'), 'SECRET_SOLUTION = 42\n');
    process.env.TRACEGRADE_TEST_SECRET = 'hunter2';
    process.env.GITHUB_TOKEN_FAKE = 'ghp_fake';
    const specs = path.resolve('specs/fetch-and-count.yaml');
    const home = path.join(process.env.HOME ?? '/root', '.gitconfig');
    try {
      const { r, lines } = await run('read_outside.py', {
        args: [path.join(other, 'main.py'), specs, home, '/etc/passwd', `/proc/${process.pid}/environ`],
      });
      expect(r.end).toBe('exited');
      expect(lines.filter((l) => l.startsWith('READ '))).toEqual([]);
      expect(lines.filter((l) => l.startsWith('denied '))).toHaveLength(5);
      expect(lines).toContain('env secrets: none');
      const keys = lines.find((l) => l.startsWith('env keys:'))!.slice('env keys: '.length).split(',');
      // PWD: bwrap sets it to the folder it starts the program in, the sandbox's own /work.
      expect(keys.sort()).toEqual(['HOME', 'LANG', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED']);
      expect(lines).toContain('env PWD: /work');
    } finally {
      delete process.env.TRACEGRADE_TEST_SECRET;
      delete process.env.GITHUB_TOKEN_FAKE;
    }
  });

  test('writing outside its copy: no forged report, the original untouched', async () => {
    const reports = tempDir('tg-reports-');
    const forged = path.join(reports, 'results.json');
    const sub = tempDir('tg-orig-');
    const original = path.join(sub, 'main.py');
    writeFileSync(original, readFileSync(hostile('write_outside.py')));
    const mark = marker();
    const r = await runSubmission({
      submission: sub,
      sandbox: 'bwrap',
      settings: settings({ args: [forged, original, '/usr/forged.txt', mark] }),
      limits: SMALL,
    });
    const lines = texts(r);
    expect(lines.filter((l) => l.startsWith('WROTE'))).toEqual([]);
    expect(existsSync(forged)).toBe(false);
    expect(readFileSync(original, 'utf8')).toBe(readFileSync(hostile('write_outside.py'), 'utf8'));
  });

  test('double-forked daemon: dies with the run, which ends at once', async () => {
    const { r, left, lines, elapsed } = await run('daemon.py', { limits: { wallMs: 5000 } });
    expect(r.end).toBe('exited');
    expect(r.exitCode).toBe(0);
    expect(lines).toEqual(['start', 'parent exits']);
    expect(left).toEqual([]);
    expect(elapsed).toBeLessThan(4000);
  });

  test('SIGTERM ignorer: SIGKILLed after the grace, nothing left', async () => {
    const { r, left, lines, elapsed } = await run('sigterm_ignorer.py', { limits: { wallMs: 1500 } });
    expect(r.end).toBe('timeout');
    if (isRoot) {
      // With the run's cgroup the program itself gets SIGTERM, survives it, and SIGKILL follows the grace.
      expect(r.signal).toBe('SIGKILL');
      expect(r.wallMs + (r.startupMs ?? 0)).toBeGreaterThanOrEqual(1500 + 250);
    }
    expect(lines[0]).toBe('start');
    expect(left).toEqual([]);
    expect(elapsed).toBeLessThan(6000);
  });

  test('waiting on stdin: EOF at once; given stdin, it reads it', async () => {
    const a = await run('stdin_wait.py');
    expect(a.r.timedOut).toBe(false);
    expect(a.r.exitCode).toBe(1);
    expect(a.lines.some((l) => /EOFError/.test(l))).toBe(true);
    expect(a.r.wallMs).toBeLessThan(2000);
    const b = await run('stdin_wait.py', { stdin: 'Ada\n' });
    expect(b.r.exitCode).toBe(0);
    expect(b.lines).toEqual(['start', 'got Ada']);
  });

  test('invalid UTF-8 and a 5 MB line: decoded with replacement, nothing lost', async () => {
    const { r, lines } = await run('bad_output.py', { limits: { outputBytes: 8 << 20 } });
    expect(r.end).toBe('exited');
    expect(lines[0]).toBe('start');
    expect(lines[1]).toBe('bad \uFFFD\uFFFD bytes \uFFFD( here');
    expect(lines[2]).toHaveLength(5_000_000);
    expect(r.trace[3]).toMatchObject({ text: 'after', partial: true });
  });

  test('killing its parent: the harness survives', async () => {
    const { r, lines } = await run('kill_parent.py');
    expect(process.pid).toBeGreaterThan(0); // still running
    expect(lines).toContain('still here');
    expect(r.end).toBe('exited');
  });

  test('filling the disk: ENOSPC on the size-limited work dir', async () => {
    const { r, lines } = await run('fill_disk.py', { limits: { fileSizeBytes: 4 << 20 } });
    expect(r.end).toBe('exited');
    const stop = lines.find((l) => l.startsWith('stopped after'));
    expect(stop).toMatch(/No space left on device/);
    expect(Number(/after (\d+) MiB/.exec(stop!)![1])).toBeLessThanOrEqual(20);
  });

  test('node: a heap bomb hits the memory limit, a busy loop the wall-time limit', async () => {
    const mem = await runSubmission({
      submission: hostile('memory_bomb.js'),
      sandbox: 'bwrap',
      settings: settings({ runtime: 'node' }),
      limits: { ...SMALL, wallMs: 8000, memoryBytes: 64 * 1048576 },
    });
    expect(mem.end).toBe('memory-limit');
    expect(mem.endDetail).toMatch(/^memory limit \(64 MiB\) reached: JavaScript heap out of memory; raise it with/);
    expect(texts(mem)[0]).toBe('start');
    const loop = await runSubmission({
      submission: hostile('cpu_loop.js'),
      sandbox: 'bwrap',
      settings: settings({ runtime: 'node' }),
      limits: { ...SMALL, wallMs: 1500 },
    });
    expect(loop.end).toBe('timeout');
    expect(texts(loop)).toEqual(['start']);
  });

  test('one file past the file-size limit: EFBIG', async () => {
    const { lines } = await run('big_file.py', { limits: { fileSizeBytes: 4 << 20 } });
    expect(lines).toContain('stopped: File too large');
  });
});

/** The documented weaker guarantees: limits and the end of the run hold; isolation does not. */
describe('weaker levels', () => {
  test('none: an infinite loop is still killed at the wall-time limit', async () => {
    const { r, left } = await run('cpu_loop.py', { sandbox: 'none', limits: { wallMs: 1200 } });
    expect(r.end).toBe('timeout');
    expect(r.sandbox.level).toBe('none');
    expect(left).toEqual([]);
  });

  test('none: an output flood is still capped', async () => {
    const { r } = await run('output_flood.py', { sandbox: 'none', limits: { outputBytes: 32 * 1024 } });
    expect(r.end).toBe('output-limit');
    expect(r.truncated).toBe(true);
  });

  test('none: a daemon holding the pipes does not hang the run', async () => {
    const { r, elapsed } = await run('daemon.py', { sandbox: 'none', limits: { wallMs: 5000 } });
    expect(r.end).toBe('exited');
    expect(elapsed).toBeLessThan(4000);
  });

  test('none: the environment is still scrubbed', async () => {
    process.env.TRACEGRADE_TEST_SECRET = 'hunter2';
    try {
      const { lines } = await run('read_outside.py', { sandbox: 'none' });
      expect(lines).toContain('env secrets: none');
    } finally {
      delete process.env.TRACEGRADE_TEST_SECRET;
    }
  });

  const rl = process.platform === 'linux' ? test : test.skip;
  rl('rlimit: memory bomb gets MemoryError', async () => {
    // A wall limit the bomb cannot reach first even on a loaded machine (it ends at the memory limit).
    const { r } = await run('memory_bomb.py', { sandbox: 'rlimit', limits: { memoryBytes: 192 * 1048576, wallMs: 15_000 } });
    expect(r.end).toBe('memory-limit');
    expect(r.sandbox.level).toBe('rlimit');
  });

  rl('rlimit: CPU limit gives SIGXCPU', async () => {
    const { r } = await run('cpu_loop.py', { sandbox: 'rlimit', limits: { wallMs: 15000, cpuMs: 1000 } });
    expect(r.end).toBe('cpu-limit');
  });

  rl('rlimit: fork bomb is contained (pids cgroup as root, RLIMIT_NPROC otherwise)', async () => {
    const { r, left } = await run('fork_bomb.py', { sandbox: 'rlimit', limits: { wallMs: 2000, processes: 32 } });
    expect(r.end).toBe('timeout');
    expect(left).toEqual([]);
  });

  rl('rlimit: a setsid daemon is killed too when a cgroup tracks the run (root)', async () => {
    const { r, left, elapsed } = await run('daemon.py', { sandbox: 'rlimit', limits: { wallMs: 5000 } });
    expect(r.end).toBe('exited');
    expect(elapsed).toBeLessThan(4000);
    if (r.sandbox.mechanisms?.some((m) => m.startsWith('pids cgroup'))) expect(left).toEqual([]);
  });
  rl('rlimit: killing its parent kills a throw-away wrapper (or, as root, is denied to the run\'s own uid), never the harness', async () => {
    const { r, lines } = await run('kill_parent.py', { sandbox: 'rlimit' });
    expect(lines).toContain('still here');
    if (isRoot) {
      expect(lines.slice(0, 2)).toEqual(['start', 'kill denied (PermissionError)']);
    } else {
      expect(lines.slice(0, 2)).toEqual(['start', 'sent SIGKILL to parent']);
      expect(r.signal).toBe('SIGKILL');
    }
  });

  rl('rlimit: a program killed by SIGTERM has only its own stderr (the wrapper prints nothing)', async () => {
    const { r } = await run('self_term.py', { sandbox: 'rlimit' });
    expect(r.signal).toBe('SIGTERM');
    expect(r.trace.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['on stderr']);
  });

  const sysPy = '/usr/bin/python3';
  (process.platform === 'linux' && isRoot && existsSync(sysPy) ? test : test.skip)(
    'rlimit as root with an interpreter another uid can reach: runs as a uid of its own, cannot kill its parent or read root\'s home',
    async () => {
      const mark = marker();
      const r = await runSubmission({
        submission: hostile('kill_parent.py'),
        sandbox: 'rlimit',
        settings: settings({ interpreter: sysPy, args: [mark] }),
        limits: SMALL,
      });
      expect(r.sandbox.mechanisms?.find((m) => /^uid 6\d{4} \(its own/.test(m))).toBeDefined();
      expect(texts(r)).toEqual(['start', 'kill denied (PermissionError)', 'still here']);
      // A file of root's own (not ~/.gitconfig, which a fresh machine may not have).
      const home = path.join(mkdtempSync(path.join(homedir(), '.tg-test-')), 'secret.txt');
      writeFileSync(home, 'root only\n');
      const r2 = await runSubmission({
        submission: hostile('read_outside.py'),
        sandbox: 'rlimit',
        settings: settings({ interpreter: sysPy, args: [home, mark] }),
        limits: SMALL,
      });
      rmSync(path.dirname(home), { recursive: true, force: true });
      expect(texts(r2)).toContain(`denied ${home} (PermissionError)`);
    },
  );
});

