/**
 * Run a short helper process to its end and keep what it printed: the sandbox probe, `bwrap
 * --version`, the Python probe, a pinned Node's version. Node's own spawn, not execa: loading
 * execa took tens of milliseconds of every CLI start, and these calls need none of its features.
 */

import { spawn } from 'node:child_process';
// Not through sandbox/index.ts: the sandbox's probe imports this file (no import cycle).
import { withFeeds } from './sandbox/feed.js';

export interface Ended {
  /** null when the process was killed by a signal or could not start. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout and stderr interleaved as they arrived. */
  all: string;
  /** Why it could not start (ENOENT, EACCES…), or that it ran past the timeout. */
  error?: Error;
}

export interface RunToEndOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) past this. */
  timeoutMs: number;
  /** Fds for the child at 4, 5, … (a sandbox plan's feeds); the caller closes them. */
  feeds?: number[];
}

/** Enough for any probe's answer; a helper that floods its output is cut off here, not buffered whole. */
const KEEP = 1 << 20;

export function runToEnd(file: string, args: string[], opts: RunToEndOptions): Promise<Ended> {
  return new Promise((resolve) => {
    let stdout = '';
    let all = '';
    let error: Error | undefined;
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: withFeeds(['ignore', 'pipe', 'pipe'], opts.feeds ?? []), windowsHide: true });
    const keep = (into: 'stdout' | 'all', chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (into === 'stdout' && stdout.length < KEEP) stdout += text;
      if (all.length < KEEP) all += text;
    };
    child.stdout!.on('data', (c: Buffer) => keep('stdout', c));
    child.stderr!.on('data', (c: Buffer) => keep('all', c));
    const timer = setTimeout(() => {
      error = new Error(`${file} did not finish within ${opts.timeoutMs} ms`);
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.once('error', (e) => {
      error ??= e;
    });
    // 'close': the process has exited and its pipes are drained (or it never started).
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // A process that never started closes with the errno as its "code": no exit code at all.
      const started = child.pid !== undefined;
      resolve({ exitCode: started ? code : null, signal, stdout, all, ...(error ? { error } : {}) });
    });
  });
}
