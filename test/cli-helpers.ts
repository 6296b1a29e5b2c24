/** Shared by the CLI tests: main() in-process with captured output, and small temp projects. */

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `tracegrade <args>` in-process from `cwd` (no colour, no TTY). */
export async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { NO_COLOR: '1', ...env },
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** A temp folder holding `files` (path → content). */
export async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tracegrade-cli-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** A spec of three checks, the last requiring the first, for a program printing a, b, done. */
export const ABC_SPEC = `name: abc
title: Prints a, b, then done
run: { runtime: python, entry: main.py, clock: virtual }
checks:
  - id: prints-a
    title: Prints a first
    first: a
  - id: then-b
    title: Then b
    order: [a, b]
  - id: says-done
    title: Ends with done
    last: done
    requires: prints-a
`;

export const ABC_GOOD = "print('a')\nprint('b')\nprint('done')\n";
export const ABC_NO_DONE = "print('a')\nprint('b')\n";
