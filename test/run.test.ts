/**
 * Runner pieces: trace capture (pure, injected clock), work dirs, interpreter resolution,
 * limits, exit translation, sandbox selection, and real runs of ordinary programs.
 */

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_LIMITS,
  InterpreterError,
  SandboxUnavailableError,
  TraceCapture,
  chooseSandbox,
  explainEnd,
  prepareWorkDir,
  probeSandbox,
  requireSandbox,
  resetRuntimeCache,
  resetSandboxProbes,
  resolveLimits,
  resolveRuntime,
  runSubmission,
  SubmissionError,
  translateWrapperExit,
} from '../src/run/index.js';
import { needsLevel } from './facilities.js';
import { SMALL, removeTempDirs, settings, tempDir, texts, writeSubmission } from './run-helpers.js';

afterAll(removeTempDirs);

describe('TraceCapture', () => {
  const enc = (s: string) => Buffer.from(s, 'utf8');
  function clocked() {
    let t = 0;
    return { set: (v: number) => (t = v), now: () => t };
  }

  test('splits lines across chunks and stamps each at the arrival of its end (first byte kept)', () => {
    const c = clocked();
    const cap = new TraceCapture({ outputLimit: 1 << 20, now: c.now });
    c.set(1.5);
    cap.push('stdout', enc('hel'));
    c.set(2.25);
    cap.push('stdout', enc('lo\nwor'));
    c.set(3);
    cap.push('stdout', enc('ld\r\nlast'));
    cap.end('stdout');
    expect(cap.lines).toEqual([
      { tMs: 2.25, stream: 'stdout', text: 'hello', firstByteMs: 1.5 },
      { tMs: 3, stream: 'stdout', text: 'world', firstByteMs: 2.25 },
      { tMs: 3, stream: 'stdout', text: 'last', partial: true },
    ]);
  });

  test('a line written one byte early and the rest later is not backdated (issue 10)', () => {
    const c = clocked();
    const cap = new TraceCapture({ outputLimit: 1 << 20, now: c.now });
    c.set(100);
    cap.push('stdout', enc('d'));
    c.set(1100);
    cap.push('stdout', enc('one fetching\n'));
    c.set(1500);
    cap.end('stdout');
    expect(cap.lines).toEqual([{ tMs: 1100, stream: 'stdout', text: 'done fetching', firstByteMs: 100 }]);
    expect(cap.newlines.stdout).toBe(1);
  });

  test('decodes each stream separately, a multi-byte character split across chunks included', () => {
    const c = clocked();
    const cap = new TraceCapture({ outputLimit: 1 << 20, now: c.now });
    const euro = enc('€\n'); // e2 82 ac 0a
    cap.push('stdout', euro.subarray(0, 1));
    cap.push('stderr', enc('err\n'));
    cap.push('stdout', euro.subarray(1));
    cap.push('stderr', Buffer.from([0xff, 0x0a]));
    expect(cap.lines.map((l) => [l.stream, l.text])).toEqual([
      ['stderr', 'err'],
      ['stdout', '€'],
      ['stderr', '\uFFFD'],
    ]);
  });

  test('a truncated multi-byte tail at the end becomes a replacement character', () => {
    const cap = new TraceCapture({ outputLimit: 1 << 20 });
    cap.push('stdout', Buffer.from([0x61, 0xe2, 0x82]));
    cap.end('stdout');
    expect(cap.lines[0]).toMatchObject({ text: 'a\uFFFD', partial: true });
  });

  test('stops at the output limit, keeps what came before, fires onLimit once', () => {
    let fired = 0;
    const cap = new TraceCapture({ outputLimit: 10, onLimit: () => fired++ });
    cap.push('stdout', enc('abc\n'));
    cap.push('stdout', enc('defghijkl\n'));
    cap.push('stdout', enc('more\n'));
    expect(fired).toBe(1);
    expect(cap.truncated).toBe(true);
    expect(cap.lines.map((l) => l.text)).toEqual(['abc', 'defghi']);
    expect(cap.lines[1]!.partial).toBe(true);
  });

  test('a 5 MB line in 64 KiB chunks is one line', () => {
    const cap = new TraceCapture({ outputLimit: 8 << 20 });
    const big = Buffer.alloc(5_000_000, 0x79);
    for (let i = 0; i < big.length; i += 65536) cap.push('stdout', big.subarray(i, i + 65536));
    cap.push('stdout', enc('\n'));
    expect(cap.lines).toHaveLength(1);
    expect(cap.lines[0]!.text).toHaveLength(5_000_000);
  });
});

describe('limits and exits', () => {
  test('spec limits over defaults, overrides over spec, time scale on time limits only', () => {
    const l = resolveLimits({ wallMs: 3000, memoryBytes: 1 << 28 }, { wallMs: 4000 }, 2);
    expect(l).toEqual({ ...DEFAULT_LIMITS, wallMs: 8000, cpuMs: 10_000, memoryBytes: 1 << 28 });
  });

  test("a wrapper's 128+N exit is the signal N", () => {
    expect(translateWrapperExit(137, null)).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(translateWrapperExit(152, null)).toEqual({ exitCode: null, signal: 'SIGXCPU' });
    expect(translateWrapperExit(1, null)).toEqual({ exitCode: 1, signal: null });
    expect(translateWrapperExit(null, 'SIGTERM')).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });

  test('explainEnd names the limit that ended the run, its value and how to raise it', () => {
    const base = { limits: { ...DEFAULT_LIMITS }, plan: { level: 'bwrap' as const, applied: { cpuMs: 5000, memoryBytes: DEFAULT_LIMITS.memoryBytes } }, stats: {} };
    expect(explainEnd({ ...base, killReason: 'timeout', exitCode: null, signal: 'SIGTERM', trace: [] })).toEqual({
      end: 'timeout',
      endDetail:
        'killed after the 10 s wall-time limit; raise it with run.limits.wall in the spec (wall: 60s), ' +
        'or grade with --time-scale 2 (which also doubles every timing tolerance)',
    });
    expect(explainEnd({ ...base, killReason: null, exitCode: 1, signal: null, trace: [{ stream: 'stderr', text: 'MemoryError' }] })).toEqual({
      end: 'memory-limit',
      endDetail: 'memory limit (512 MiB) reached: MemoryError; raise it with run.limits.memory in the spec (memory: 1GB)',
    });
    expect(explainEnd({ ...base, killReason: null, exitCode: null, signal: 'SIGSEGV', trace: [] }).endDetail).toBe('killed by SIGSEGV');
    expect(explainEnd({ ...base, killReason: 'output-limit', exitCode: null, signal: 'SIGTERM', trace: [] }).endDetail).toMatch(/output limit \(1 MiB\).*run\.limits\.output/);
    expect(explainEnd({ ...base, killReason: null, exitCode: null, signal: 'SIGXCPU', trace: [] }).endDetail).toMatch(/5 s CPU-time limit; .*run\.limits\.cpu.*--time-scale/);
    expect(explainEnd({ ...base, killReason: null, exitCode: null, signal: 'SIGXFSZ', trace: [] }).endDetail).toMatch(/file-size limit \(16 MiB\); .*run\.limits\.file_size/);
    expect(explainEnd({ ...base, killReason: null, exitCode: 3, signal: null, trace: [], stats: { pidsLimitHits: 2 } }).endDetail).toBe(
      'exited with code 3; the process limit (64) refused 2 forks (raise it with run.limits.processes in the spec (processes: 128))',
    );
  });
});

describe('work dir', () => {
  const py = settings();

  test('a folder is copied; the original is never written; cleanup removes the copy', async () => {
    const sub = writeSubmission({ 'main.py': 'print(1)\n', 'helper.py': 'x = 1\n' });
    const w = await prepareWorkDir(sub, py);
    expect(readdirSync(w.dir).sort()).toEqual(['helper.py', 'main.py']);
    writeFileSync(path.join(w.dir, 'main.py'), 'changed');
    expect(readFileSync(path.join(sub, 'main.py'), 'utf8')).toBe('print(1)\n');
    await w.cleanup();
    expect(existsSync(w.root)).toBe(false);
  });

  test('a single file is the entry whatever its name', async () => {
    const d = tempDir();
    const f = path.join(d, 'student_42.py');
    writeFileSync(f, 'print(2)\n');
    const w = await prepareWorkDir(f, py);
    expect(readdirSync(w.dir)).toEqual(['main.py']);
    await w.cleanup();
  });

  test('instructor files land beside the submission and win a clash; a single file keeps its name when the driver is the entry', async () => {
    const course = tempDir('tg-course-');
    writeFileSync(path.join(course, 'main.py'), 'from wait_n import wait_n\n');
    mkdirSync(path.join(course, 'data'));
    writeFileSync(path.join(course, 'data', 'in.txt'), 'input\n');
    const sub = writeSubmission({ 'main.py': 'student main', 'wait_n.py': 'def wait_n(): pass\n' });
    const s = settings({ files: [path.join(course, 'main.py'), path.join(course, 'data')] });
    const w = await prepareWorkDir(sub, s);
    expect(readFileSync(path.join(w.dir, 'main.py'), 'utf8')).toBe('from wait_n import wait_n\n');
    expect(readFileSync(path.join(w.dir, 'data', 'in.txt'), 'utf8')).toBe('input\n');
    await w.cleanup();
    const single = path.join(tempDir(), 'wait_n.py');
    writeFileSync(single, 'def wait_n(): pass\n');
    const w2 = await prepareWorkDir(single, s);
    expect(readdirSync(w2.dir).sort()).toEqual(['data', 'main.py', 'wait_n.py']);
    await w2.cleanup();
  });

  test('missing entry, empty folder, missing path: a clear SubmissionError', async () => {
    await expect(prepareWorkDir(writeSubmission({ 'solution.py': '' }), py)).rejects.toThrow(
      /entry main\.py not found in submission .* \(it has: solution\.py\); name the file main\.py or set run\.entry/,
    );
    await expect(prepareWorkDir(tempDir(), py)).rejects.toThrow(/is empty/);
    await expect(prepareWorkDir('/nonexistent/sub', py)).rejects.toThrow(SubmissionError);
  });

  test('a symlink to a harness file is refused (it used to be copied as a link and followed by chown)', async () => {
    const sub = writeSubmission({ 'main.py': 'print(1)\n' });
    const secret = path.join(tempDir(), 'secret.txt');
    writeFileSync(secret, 'top secret');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(secret, path.join(sub, 'link.txt'));
    await expect(prepareWorkDir(sub, py)).rejects.toThrow(/submission link link\.txt -> \S+secret\.txt is absolute/);
  });
});

describe('interpreter', () => {
  test('python resolves to the real interpreter, not a shim', async () => {
    const r = await resolveRuntime({ runtime: 'python' });
    expect(r.executable).not.toMatch(/shims/);
    expect(path.isAbsolute(r.executable)).toBe(true);
    expect(r.version).toMatch(/^3\.\d+\.\d+/);
    expect(r.description).toBe(`${r.executable} (${r.version})`);
  });

  const pyenv312 = existsSync(path.join(process.env.HOME ?? '/root', '.pyenv/versions/3.12.1/bin/python3'));
  (pyenv312 ? test : test.skip)('a version pin finds that version', async () => {
    const r = await resolveRuntime({ runtime: 'python', interpreter: '3.12' });
    expect(r.version).toMatch(/^3\.12\./);
  });

  test('an unknown pin is a one-line error with the fix', async () => {
    const e = await resolveRuntime({ runtime: 'python', interpreter: '3.99' }).catch((x) => x);
    expect(e).toBeInstanceOf(InterpreterError);
    expect(e.message).toMatch(/no Python 3\.99 found .*install it/);
    expect(e.message).not.toContain('\n');
  });

  test('no python3 on PATH: a one-line error with the fix', async () => {
    const saved = { PATH: process.env.PATH, PYENV_ROOT: process.env.PYENV_ROOT };
    process.env.PATH = tempDir('tg-empty-path-');
    process.env.PYENV_ROOT = tempDir('tg-empty-pyenv-');
    resetRuntimeCache();
    try {
      const e = await resolveRuntime({ runtime: 'python' }).catch((x) => x);
      expect(e).toBeInstanceOf(InterpreterError);
      expect(e.message).toMatch(/^no python3 found on PATH; install Python 3 .*run\.interpreter/);
      expect(e.message).not.toContain('\n');
      const c = await resolveRuntime({ runtime: 'command', command: ['surely-missing-tool'] }).catch((x) => x);
      expect(c.message).toMatch(/command "surely-missing-tool" not found on PATH; install it/);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.PYENV_ROOT === undefined) delete process.env.PYENV_ROOT;
      else process.env.PYENV_ROOT = saved.PYENV_ROOT;
      resetRuntimeCache();
    }
  });
});

describe('sandbox selection', () => {
  afterEach(() => {
    delete process.env.TRACEGRADE_BWRAP;
    resetSandboxProbes();
  });

  test('--sandbox none with --require-sandbox bwrap is refused, not silently weakened', async () => {
    await expect(
      runSubmission({ submission: writeSubmission({ 'main.py': '' }), settings: settings(), sandbox: 'none', requireSandbox: 'rlimit' }),
    ).rejects.toThrow(/--sandbox none gives none, weaker than --require-sandbox rlimit/);
  });

  test('auto takes the strongest level that its probe accepts', async () => {
    const bw = await probeSandbox('bwrap');
    const chosen = await chooseSandbox('auto');
    expect(chosen.level).toBe(bw.ok ? 'bwrap' : 'rlimit');
  });

  test('without bwrap: auto falls back and says why; --require-sandbox bwrap fails closed', async () => {
    process.env.TRACEGRADE_BWRAP = '/nonexistent/bwrap';
    resetSandboxProbes();
    const chosen = await chooseSandbox('auto');
    expect(chosen.level).toBe('rlimit');
    expect(chosen.reason).toMatch(/bwrap not found: install bubblewrap/);
    await expect(requireSandbox('bwrap')).rejects.toThrow(SandboxUnavailableError);
    await expect(requireSandbox('bwrap')).rejects.toThrow(/--require-sandbox bwrap: not available here: bwrap not found/);
    await expect(requireSandbox('rlimit')).resolves.toBe('rlimit');
    await expect(
      runSubmission({ submission: writeSubmission({ 'main.py': '' }), settings: settings(), requireSandbox: 'bwrap' }),
    ).rejects.toThrow(/--require-sandbox bwrap: not available here: bwrap not found: install bubblewrap/);
    const r = await runSubmission({ submission: writeSubmission({ 'main.py': 'print("ok")\n' }), settings: settings(), limits: SMALL });
    expect(r.sandbox.level).toBe('rlimit');
    expect(r.sandbox.reason).toMatch(/bwrap not found/);
    expect(texts(r)).toEqual(['ok']);
  });
});

describe('real runs', () => {
  test('timestamps are taken at arrival, sub-ms, and track sleeps', async () => {
    const sub = writeSubmission({ 'main.py': 'import time\nprint("a")\ntime.sleep(0.3)\nprint("b")\n' });
    const r = await runSubmission({ submission: sub, settings: settings(), limits: SMALL });
    expect(texts(r)).toEqual(['a', 'b']);
    const gap = r.trace[1]!.tMs - r.trace[0]!.tMs;
    expect(gap).toBeGreaterThan(250);
    expect(gap).toBeLessThan(1000); // the machine is shared: generous upper bound
    expect(r.trace.some((l) => !Number.isInteger(l.tMs))).toBe(true);
    expect(r.wallMs).toBeGreaterThanOrEqual(r.trace[1]!.tMs);
    expect(r.runtime).toMatch(/python3.* \(3\./);
    expect(r.sandbox.limits?.wallMs).toBe(SMALL.wallMs);
  });

  test('a child cannot forge its timestamps by printing them', async () => {
    const sub = writeSubmission({ 'main.py': 'print("tMs: 0")\nprint("\\x1b[0m")\n' });
    const r = await runSubmission({ submission: sub, settings: settings(), limits: SMALL });
    expect(r.trace.map((l) => l.text)).toEqual(['tMs: 0', '\x1b[0m']);
    expect(r.startupMs).toBeGreaterThan(0); // measured by the parent, whatever the child prints
    expect(r.trace[0]!.tMs).toBeGreaterThanOrEqual(0);
  });

  test("times count from the program's start: sandbox and interpreter start-up are left out", async () => {
    const sub = writeSubmission({ 'main.py': 'import time\ntime.sleep(0.3)\nprint("late")\n' });
    const r = await runSubmission({ submission: sub, settings: settings(), limits: SMALL });
    expect(texts(r)).toEqual(['late']);
    expect(r.startupMs).toBeGreaterThan(0);
    // From the program's start the line is ~300 ms in; from spawn it would add the start-up.
    expect(r.trace[0]!.tMs).toBeGreaterThan(280);
    expect(r.trace[0]!.tMs).toBeLessThan(300 + 400); // the machine is shared: generous upper bound
    expect(r.wallMs).toBeGreaterThanOrEqual(r.trace[0]!.tMs);
    // Nothing of the marker reaches the program's output or environment.
    const env = await runSubmission({ submission: writeSubmission({ 'main.py': 'import os,sys\nprint(sorted(k for k in os.environ if "TRACEGRADE" in k), "_tracegrade" in sys.modules)\n' }), settings: settings(), limits: SMALL });
    expect(texts(env)).toEqual(['[] True']);
  });

  test('parallel runs stay apart (own work dir, own cgroup, own trace)', async () => {
    const subs = [0, 1, 2, 3].map((i) => writeSubmission({ 'main.py': `import os\nopen("mine.txt","w").write("${i}")\nprint(sorted(os.listdir(".")), open("mine.txt").read())\n` }));
    const rs = await Promise.all(subs.map((sub) => runSubmission({ submission: sub, settings: settings(), limits: SMALL })));
    expect(rs.map((r) => texts(r))).toEqual([0, 1, 2, 3].map((i) => [`['main.py', 'mine.txt'] ${i}`]));
  });

  test('an AbortSignal cancels the run and kills it', async () => {
    const sub = writeSubmission({ 'main.py': 'import time\nprint("start")\ntime.sleep(30)\n' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 600);
    const started = Date.now();
    const r = await runSubmission({ submission: sub, settings: settings(), limits: SMALL, signal: ac.signal });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.end).toBe('error');
    expect(r.endDetail).toMatch(/^cancelled/);
    expect(texts(r)).toEqual(['start']);
  });

  test('a missing entry is an error record, not a throw', async () => {
    const r = await runSubmission({ submission: writeSubmission({ 'other.py': '' }), settings: settings(), limits: SMALL });
    expect(r.end).toBe('error');
    expect(r.error).toMatch(/entry main\.py not found/);
    expect(r.trace).toEqual([]);
  });

  test('exit code and stderr are recorded; spec env reaches the program', async () => {
    const sub = writeSubmission({ 'main.py': 'import os,sys\nprint(os.environ["GREETING"])\nprint("bad", file=sys.stderr)\nsys.exit(3)\n' });
    const r = await runSubmission({ submission: sub, settings: settings({ env: { GREETING: 'hi' } }), limits: SMALL });
    expect(r.exitCode).toBe(3);
    expect(r.end).toBe('exited');
    expect(r.trace.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'hi'],
      ['stderr', 'bad'],
    ]);
  });

  test('a signal is reported by name', async () => {
    const sub = writeSubmission({ 'main.py': 'import os,signal\nprint("x")\nos.kill(os.getpid(), signal.SIGSEGV)\n' });
    const r = await runSubmission({ submission: sub, settings: settings(), limits: SMALL });
    expect(r.signal).toBe('SIGSEGV');
    expect(r.exitCode).toBeNull();
    expect(r.end).toBe('signalled');
  });

  test('node runs under the address-space headroom it needs', async () => {
    const sub = writeSubmission({ 'main.js': 'setTimeout(() => console.log("later"), 50);\nconsole.log("now");\n' });
    const r = await runSubmission({ submission: sub, settings: settings({ runtime: 'node' }), limits: SMALL });
    expect(r.end).toBe('exited');
    expect(texts(r)).toEqual(['now', 'later']);
    expect(r.sandbox.limits?.memoryBytes).toBe((SMALL.memoryBytes ?? 0) + 1024 * 1048576);
  });

  // Node: a preload (node --require, bound read-only inside bwrap) marks the program's start.
  for (const level of ['bwrap', 'rlimit'] as const) needsLevel(level).test(`node (${level}): times count from the program's start; the marker leaves no trace`, async () => {
    const sub = writeSubmission({
      'main.js': [
        'setTimeout(() => {',
        '  console.log("late");',
        '  console.log(JSON.stringify(Object.keys(process.env).filter((k) => k.includes("TRACEGRADE"))));',
        // execArgv shows the --require (documented, harmless).
        '  console.log(JSON.stringify(process.execArgv.filter((a) => a !== "--require" && !a.startsWith("--max-old"))));',
        '}, 300);',
      ].join('\n'),
    });
    const r = await runSubmission({ submission: sub, settings: settings({ runtime: 'node' }), limits: SMALL, sandbox: level, requireSandbox: level });
    expect(r.sandbox.level).toBe(level);
    expect(r.end).toBe('exited');
    expect(texts(r).slice(0, 2)).toEqual(['late', '[]']);
    const preload = JSON.parse(texts(r)[2]!) as string[];
    // Inside bwrap the preload's dir is bound read-only at a fixed path outside the work dir.
    if (level === 'bwrap') expect(preload).toEqual(['/opt/tracegrade/0/start.cjs']);
    else expect(preload).toEqual([expect.stringMatching(/\/runtime\/node\/start\.cjs$/)]);
    expect(r.startupMs).toBeGreaterThan(0);
    // The line is due 300 ms after the marker. Both are stamped when the parent reads them, and a
    // parent busy under a loaded test run may read the marker late (65 ms seen), which moves the
    // line earlier by as much: a generous lower bound, as for the upper one.
    expect(r.trace[0]!.tMs).toBeGreaterThan(150);
    expect(r.trace[0]!.tMs).toBeLessThan(300 + 400); // the machine is shared: generous upper bound
    expect(r.wallMs).toBeGreaterThanOrEqual(r.trace[0]!.tMs);
  });

  test('node: an ES module entry gets the start marker too', async () => {
    const sub = writeSubmission({ 'main.mjs': 'await new Promise((r) => setTimeout(r, 300));\nconsole.log("late");\n' });
    const r = await runSubmission({ submission: sub, settings: settings({ runtime: 'node', entry: 'main.mjs' }), limits: SMALL });
    expect(texts(r)).toEqual(['late']);
    expect(r.startupMs).toBeGreaterThan(0);
    expect(r.trace[0]!.tMs).toBeGreaterThan(150); // a late-read marker: see the test above
    expect(r.trace[0]!.tMs).toBeLessThan(300 + 400);
  });

  test('command runtime: the submission itself can be the program', async () => {
    const sub = writeSubmission({ 'run.sh': '#!/bin/sh\necho "args: $*"\n' });
    chmodSync(path.join(sub, 'run.sh'), 0o644);
    const r = await runSubmission({
      submission: sub,
      settings: settings({ runtime: 'command', entry: 'run.sh', command: ['{entry}', 'x'], args: ['y'] }),
      limits: SMALL,
    });
    expect(texts(r)).toEqual(['args: x y']);
  });
});
