/**
 * "Grade this hostile program at level L": the compiled CLI's `grade` as a real process, on
 * submissions made of test/hostile/ programs, in a temp root of its own. Used by
 * test/run-hostile-cli.test.ts (and any test of an attack that goes through the whole grader).
 *
 * The root is 0711 and holds the runs' TMPDIR, so that at the rlimit level as root the run's own
 * uid can reach its copy; the interpreter is the system Python (a pyenv build under /root is out
 * of that uid's reach and the rlimit level rightly refuses it).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GradeResults } from '../src/score/types.js';
import type { SandboxLevel } from '../src/trace/types.js';
import { realPython } from './batch-helpers.js';
import { has } from './facilities.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const HOSTILE = join(HERE, 'hostile');
export const BIN = join(HERE, '..', 'bin', 'tracegrade.js');
/** Every uid reaches it (the default python3 here may be pyenv's, under /root). */
export const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p)) ?? realPython();

/** The levels this machine has: bwrap when its probe works (else its tests skip via needs('bwrap')), rlimit, none. */
export const LEVELS: SandboxLevel[] = [...(has('bwrap') ? (['bwrap'] as const) : []), 'rlimit', 'none'];

export interface HostileRoot {
  dir: string;
  /** The runs' TMPDIR (empty again once `grade` has cleaned up). */
  tmp: string;
  out: string;
  spec: string;
  remove(): void;
}

/** A temp root (0711) with `spec.yaml`, `tmp/` and room for `subs/` and `out/`. */
export function hostileRoot(prefix: string, spec: string): HostileRoot {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { mode: 0o711 });
  chmodSync(tmp, 0o711);
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, spec);
  return { dir, tmp, out: join(dir, 'out'), spec: file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `root/subs/<id>/main.py` = test/hostile/<program> (or the text given); returns the folder. */
export function hostileSubmission(root: HostileRoot, id: string, program: string, text?: string): string {
  const sub = join(root.dir, 'subs', id);
  mkdirSync(sub, { recursive: true });
  if (text !== undefined) writeFileSync(join(sub, 'main.py'), text);
  else copyFileSync(join(HOSTILE, program), join(sub, 'main.py'));
  return sub;
}

export interface Graded {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
  /** out/results.json, when written. */
  results?: GradeResults;
  /** What came back through the pipe of `inheritPipeAt`. */
  inherited?: string;
}

export interface GradeOptions {
  /** What to grade (default: root/subs). */
  targets?: string[];
  /** More CLI flags (--resume, --jobs 1, --reporter …). */
  flags?: string[];
  env?: Record<string, string>;
  /** SIGKILLed after this long (a hang fails the test instead of the suite's timeout). */
  killMs?: number;
  /** Called once the process is spawned (to signal it mid-batch). */
  onSpawn?: (child: ChildProcess) => void;
  /** Start the grader with one more open pipe at this fd (as a CI runner or a container may); what reaches it is `inherited`. */
  inheritPipeAt?: number;
}

/** `tracegrade grade root/spec.yaml <targets> --out root/out --sandbox <level> --python <system python> …` as a process. */
export async function gradeAt(level: SandboxLevel, root: HostileRoot, opts: GradeOptions = {}): Promise<Graded> {
  const t0 = Date.now();
  const argv = [process.execPath, BIN, 'grade', root.spec, ...(opts.targets ?? [join(root.dir, 'subs')]), '--out', root.out, '--sandbox', level, '--python', PYTHON, ...(opts.flags ?? [])];
  const fd = opts.inheritPipeAt;
  // Node marks a child's low fds close-on-exec; Python's dup2 makes one that is inherited (as a runner's).
  const [cmd, ...args] = fd ? [PYTHON, '-c', `import os, sys; os.dup2(3, ${fd}); os.close(3); os.execv(sys.argv[1], sys.argv[1:])`, ...argv] : argv;
  const child = spawn(cmd!, args, {
    // No CI of the machine running the suite leaks in; the test says what CI it plays.
    env: { ...process.env, GITHUB_ACTIONS: '', CI: '', GITHUB_STEP_SUMMARY: '', NO_COLOR: '1', TRACEGRADE_ACCEPT_NO_ISOLATION: '1', TMPDIR: root.tmp, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(fd ? (['pipe'] as const) : [])],
  });
  let stdout = '';
  let stderr = '';
  let inherited: string | undefined;
  if (opts.inheritPipeAt) {
    inherited = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => (inherited += d));
  }
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.killMs ?? 40_000);
  opts.onSpawn?.(child);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  clearTimeout(killer);
  const file = join(root.out, 'results.json');
  const results = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GradeResults) : undefined;
  return { code, signal, ms: Date.now() - t0, stdout, stderr, results, ...(inherited !== undefined ? { inherited } : {}) };
}
