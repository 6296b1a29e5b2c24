/**
 * Runs a Python program the way the runner does for an instrumented run (env, PYTHONPATH,
 * side channel on fd 3, parent-side capture), without the sandbox, so the virtual-time
 * runtime is tested on its own against every installed interpreter.
 */

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex, Readable } from 'node:stream';
import { TraceCapture } from '../src/run/capture.js';
import { instrumentPython } from '../src/run/instrument/index.js';
import type { RunSettings } from '../src/spec/types.js';
import type { RunRecord } from '../src/trace/types.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'virtual');
const SUBMISSIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'submissions');

/** Lesson programs the curriculum already ships: the tests run those, not copies of them. */
const BUNDLED: Record<string, string> = {
  'fetch.py': 'fetch-and-count/reference/main.py',
  'fetch_half.py': 'fetch-and-count-half-second/reference/main.py',
  'sequential.py': 'fetch-and-count-sequential/reference/main.py',
  'hardcoded.py': 'fetch-and-count/hard-coded/main.py',
};

/** Absolute path of a test program: a bundled submission, or a file of test/fixtures/virtual. */
export function fixturePath(file: string): string {
  if (path.isAbsolute(file)) return file;
  return BUNDLED[file] ? path.join(SUBMISSIONS, BUNDLED[file]) : path.join(FIXTURES, file);
}

export interface Interp {
  version: string;
  minor: number;
  exe: string;
}

/** Every /root/.pyenv/versions/3.{8..13}.x interpreter present, else the default python3. */
export function interpreters(): Interp[] {
  const root = '/root/.pyenv/versions';
  const out: Interp[] = [];
  if (existsSync(root)) {
    for (const d of readdirSync(root).sort()) {
      const m = /^3\.(\d+)\.\d+$/.exec(d);
      if (!m) continue;
      const minor = Number(m[1]);
      const exe = path.join(root, d, 'bin', 'python3');
      if (minor >= 8 && minor <= 13 && existsSync(exe)) out.push({ version: d, minor, exe });
    }
  }
  out.sort((a, b) => a.minor - b.minor);
  if (out.length === 0) {
    const exe = execFileSync('python3', ['-c', 'import sys;print(sys.executable)']).toString().trim();
    const v = execFileSync(exe, ['-c', 'import sys;print("%d.%d.%d" % sys.version_info[:3])']).toString().trim();
    out.push({ version: v, minor: Number(v.split('.')[1]), exe });
  }
  return out;
}

export function settings(over: Partial<RunSettings> = {}): RunSettings {
  return { runtime: 'python', entry: 'main.py', args: [], env: {}, files: [], limits: {}, clock: 'virtual', repeat: 1, policy: 'all', traceTasks: true, ...over };
}

export interface Ran {
  record: RunRecord;
  /** The record before the channel was merged (parent-side capture only). */
  raw: RunRecord;
  realMs: number;
}

export async function runPy(exe: string, file: string, over: Partial<RunSettings> = {}, timeoutMs = 15_000): Promise<Ran> {
  const s = settings(over);
  const instr = instrumentPython(s)!;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...instr.env,
    PYTHONPATH: instr.pythonPath.join(path.delimiter),
  };
  const t0 = performance.now();
  const capture = new TraceCapture({ outputLimit: 1 << 20, now: () => performance.now() - t0 });
  const child = spawn(exe, [fixturePath(file)], { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], cwd: FIXTURES });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, timeoutMs);
  const done: Promise<void>[] = [];
  const watch = (s: Readable | null, on: (c: Buffer) => void, end?: () => void) => {
    if (!s) return;
    done.push(new Promise((r) => {
      s.on('data', on);
      s.once('close', () => {
        end?.();
        r();
      });
    }));
  };
  watch(child.stdout, (c) => capture.push('stdout', c), () => capture.end('stdout'));
  watch(child.stderr, (c) => capture.push('stderr', c), () => capture.end('stderr'));
  watch(child.stdio[3] as Readable, (c) => instr.onChannelData(c));
  instr.attach({ channel: child.stdio[3] as unknown as Duplex, capture, pid: child.pid });
  const ex = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal, ms: performance.now() - t0 })),
  );
  await Promise.all(done);
  clearTimeout(timer);
  const raw: RunRecord = {
    exitCode: ex.code,
    signal: ex.signal,
    timedOut,
    truncated: false,
    end: timedOut ? 'timeout' : 'exited',
    wallMs: ex.ms,
    clock: 'real',
    sandbox: { level: 'none' },
    trace: capture.lines,
  };
  const record = instr.finish(raw);
  return { record, raw, realMs: performance.now() - t0 };
}

/** "t text" rows of stdout (times in ms) for compact assertions. */
export function rows(r: RunRecord, stream: 'stdout' | 'stderr' = 'stdout'): [number, string][] {
  return r.trace.filter((l) => l.stream === stream).map((l) => [l.tMs, l.text]);
}

/** Runs async jobs with at most `n` at a time (2-core machine shared with other suites). */
export async function pool<T>(jobs: (() => Promise<T>)[], n = 3): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
