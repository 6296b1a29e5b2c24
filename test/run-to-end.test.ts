/**
 * runToEnd, the small spawn the probes use (sandbox, bwrap --version, Python, a pinned Node):
 * real processes. What it keeps, how a missing program and a hung one end.
 */

import { runToEnd } from '../src/run/run-to-end.js';

const node = process.execPath;

test('keeps stdout, and stdout with stderr in "all"; the exit code', async () => {
  const r = await runToEnd(node, ['-e', 'process.stdout.write("out\\n"); process.stderr.write("err\\n"); process.exit(3)'], { timeoutMs: 10_000 });
  expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n' });
  expect(r.all.split('\n').sort()).toEqual(['', 'err', 'out']);
  expect(r.error).toBeUndefined();
});

test('a program that does not exist: an error, no exit code', async () => {
  const r = await runToEnd('/nonexistent/tracegrade-probe', [], { timeoutMs: 10_000 });
  expect(r.exitCode).toBeNull();
  expect((r.error as NodeJS.ErrnoException).code).toBe('ENOENT');
});

test('a program past its timeout is killed and says so', async () => {
  const t0 = Date.now();
  const r = await runToEnd(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
  expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  expect(r.error?.message).toMatch(/did not finish within 300 ms/);
  expect(Date.now() - t0).toBeLessThan(10_000);
});

test('the environment given is the whole environment', async () => {
  const r = await runToEnd(node, ['-e', 'console.log(Object.keys(process.env).filter((k) => k.startsWith("TG_")).join(","))'], { timeoutMs: 10_000, env: { TG_ONLY: '1' } });
  expect(r.stdout.trim()).toBe('TG_ONLY');
});

test('a flood of output is cut at 1 MiB, not buffered whole', async () => {
  const r = await runToEnd(node, ['-e', 'const b = "x".repeat(1 << 16); for (let i = 0; i < 64; i++) process.stdout.write(b)'], { timeoutMs: 20_000 });
  expect(r.exitCode).toBe(0);
  expect(r.stdout.length).toBeGreaterThanOrEqual(1 << 20);
  expect(r.stdout.length).toBeLessThan((1 << 20) + (1 << 17));
});
