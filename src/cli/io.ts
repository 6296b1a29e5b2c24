/** Where the CLI writes. Data (a drafted spec, reports on the terminal) goes to stdout, talk to stderr. */

// Direct, not through report/index.ts: main.ts loads the reporters only for commands that need them.
import { defusingOut, inCi } from '../report/ci-log.js';

export interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  /** Terminal width (a TTY's process.stdout.columns); absent when piped. */
  columns?: number;
  /** Write a CI workflow command of ours unchanged (see report/ci-log.ts). */
  command?(line: string): void;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** In CI, no line we print may be taken for a workflow command, whatever a student's text holds. */
export function ciSafeIo(io: Io): Io {
  if (!inCi(io.env) || io.stdout.command) return io;
  return { ...io, stdout: defusingOut(io.stdout), stderr: defusingOut(io.stderr) };
}
