/**
 * A host process that uses the library API (a Jest autograder's) and inherited a pipe at fd 200
 * from its runner: the run it starts must not reach that pipe at any level. The CLI closes such
 * fds (test/run-hostile-cli.test.ts); a library cannot close its host's, so each run's spawn puts
 * /dev/null in their place (src/run/inherited-fds.ts). inherited_fd.py writes into every fd past
 * 3 it has: into /dev/null here, never into the pipe.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsLevel } from './facilities.js';
import { PYTHON } from './hostile-grade.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(HERE, '..', 'dist');
const SCRIPT = path.join(HERE, 'fixtures', 'inherited', 'run-one.mjs');
const HOSTILE = path.join(HERE, 'hostile', 'inherited_fd.py');
const isRoot = process.getuid?.() === 0;

/** Python's dup2 makes fd 200 an inheritable end of a pipe we read; then it execs the host process. */
async function hostWithPipe(level: string): Promise<{ code: number | null; stdout: string; stderr: string; piped: string }> {
  const interpreter = level === 'rlimit' && isRoot ? PYTHON : '';
  const child = spawn(PYTHON, ['-c', 'import os, sys; os.dup2(3, 200); os.close(3); os.execv(sys.argv[1], sys.argv[1:])', process.execPath, SCRIPT, DIST, HOSTILE, level, interpreter], {
    env: { ...process.env, TRACEGRADE_ACCEPT_NO_ISOLATION: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let piped = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => (piped += d));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return { code, stdout, stderr, piped };
}

describe.each(['bwrap', 'rlimit', 'none'] as const)('a library host with an inherited pipe, at the %s level', (level) => {
  needsLevel(level).test('the run writes into /dev/null in its place, never into the pipe', async () => {
    expect(existsSync(path.join(DIST, 'run', 'index.js'))).toBe(true);
    const h = await hostWithPipe(level);
    expect([h.code, h.stderr]).toEqual([0, expect.any(String)]);
    const r = JSON.parse(h.stdout) as { end: string; error?: string; lines: string[] };
    expect([r.end, r.error]).toEqual(['exited', undefined]);
    expect(r.lines).toContain('done');
    expect(r.lines.find((l) => l.startsWith('wrote to'))).toMatch(/^wrote to \[.*\b200\b.*\]$/); // it had an fd 200: /dev/null
    expect(h.piped).toBe('');
  });
});
