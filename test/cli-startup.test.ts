/**
 * What makes a start fast, and that it changes no answer: the CLI's bundle run through V8's code
 * cache (src/cli/code-cache.ts) and the sandbox probe kept in the probe cache
 * (src/run/sandbox/probe-key.ts). Real processes of bin/tracegrade.js, each test with a cache
 * folder of its own (TRACEGRADE_CACHE_DIR).
 */

import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needs } from './facilities.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tracegrade.js');
const REFERENCE = join(ROOT, 'submissions', 'fetch-and-count', 'reference');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tg-startup-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function tg(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: ROOT, reject: false, env: { NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const check = (cache: string, extra: string[] = [], env: Record<string, string> = {}) =>
  tg(['check', REFERENCE, '--clock', 'virtual', ...extra], { TRACEGRADE_CACHE_DIR: cache, ...env });
const v8Files = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('v8-'));

describe('the code cache', () => {
  test("is written after a command's first run, then used as it is; the output is the same", async () => {
    const cache = join(tmp, 'v8');
    const first = await check(cache);
    expect([first.code, first.stderr]).toEqual([0, expect.not.stringMatching(/error/i)]);
    const [file] = v8Files(cache);
    expect(v8Files(cache)).toEqual([expect.stringMatching(/^v8-check-\w+\.bin$/)]);
    const made = statSync(join(cache, file!));
    expect(made.mode & 0o777).toBe(0o600);
    const second = await check(cache);
    expect(second.stdout).toBe(first.stdout);
    // Not written again: V8 accepted it (a rejected cache is replaced).
    expect(statSync(join(cache, file!)).mtimeMs).toBe(made.mtimeMs);
    // Another command compiles other functions: a cache of its own.
    expect((await tg(['validate', join(ROOT, 'specs', 'fetch-and-count.yaml')], { TRACEGRADE_CACHE_DIR: cache })).code).toBe(0);
    expect(v8Files(cache)).toEqual(expect.arrayContaining([file, expect.stringMatching(/^v8-validate-\w+\.bin$/)]));
    expect(v8Files(cache)).toHaveLength(2);
  }, 90_000);

  test('a cache V8 rejects, or one another user could have written, is not used but replaced', async () => {
    const cache = join(tmp, 'bad');
    const good = await check(cache);
    const [file] = v8Files(cache);
    const path = join(cache, file!);
    writeFileSync(path, 'not a code cache'.repeat(100), { mode: 0o600 });
    const afterGarbage = await check(cache);
    expect(afterGarbage.stdout).toBe(good.stdout);
    expect(readFileSync(path, 'utf8')).not.toContain('not a code cache');
    chmodSync(path, 0o666);
    const mtime = statSync(path).mtimeMs;
    const afterOpen = await check(cache);
    expect(afterOpen.stdout).toBe(good.stdout);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(path).mtimeMs).not.toBe(mtime);
  }, 90_000);

  test("a project's tracegrade.config.mjs is imported from the bundle, with and without a cache", async () => {
    const cache = join(tmp, 'mjs');
    const dir = join(tmp, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tracegrade.config.mjs'), "export default { clock: 'sometimes' };\n");
    for (let i = 0; i < 2; i++) {
      const r = await execa(process.execPath, [BIN, 'check', REFERENCE, '--spec', join(ROOT, 'specs', 'fetch-and-count.yaml')], {
        cwd: dir,
        reject: false,
        env: { NO_COLOR: '1', TRACEGRADE_CACHE_DIR: cache },
      });
      // The config was imported and judged: its value is named (not "cannot load").
      expect([r.exitCode, String(r.stderr)]).toEqual([2, expect.stringMatching(/tracegrade\.config\.mjs: error: 'clock' must be one of real, virtual/)]);
    }
  }, 60_000);

  test('TRACEGRADE_CACHE_DIR=off: nothing is written anywhere', async () => {
    const xdg = join(tmp, 'xdg');
    const r = await check('off', [], { XDG_CACHE_HOME: xdg });
    expect(r.code).toBe(0);
    expect(existsSync(xdg)).toBe(false);
  }, 60_000);
});

test("check loads the spec once: a spec's warning is printed once", async () => {
  const dir = join(tmp, 'warned');
  mkdirSync(dir);
  const spec = readFileSync(join(ROOT, 'specs', 'fetch-and-count.yaml'), 'utf8').replace(/^run:\n/m, 'run:\n  policy: best\n');
  expect(spec).toContain('  policy: best\n');
  writeFileSync(join(dir, 'spec.yaml'), spec);
  const r = await tg(['check', REFERENCE, '--spec', join(dir, 'spec.yaml'), '--clock', 'virtual'], { TRACEGRADE_CACHE_DIR: join(tmp, 'warned-cache') });
  expect(r.code).toBe(0);
  expect(r.stderr.match(/warning: policy has no effect with a single run/g)).toHaveLength(1);
}, 60_000);

needs('bwrap').describe('the sandbox probe in the probe cache', () => {
  test('a success is kept; a bwrap that fails is probed, refused and not kept, even with a success on file', async () => {
    const cache = join(tmp, 'probe');
    expect((await check(cache, ['--sandbox', 'bwrap'])).code).toBe(0);
    const kept = () => Object.keys((JSON.parse(readFileSync(join(cache, 'sandbox.json'), 'utf8')) as { entries: object }).entries);
    expect(kept()).toHaveLength(1);
    // Another bwrap (here one that cannot sandbox anything) is another key: probed, not trusted from the file.
    const broken = join(tmp, 'bwrap');
    writeFileSync(broken, '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.8.0"; exit 0; }\necho "bwrap: Creating new namespace failed: Operation not permitted" >&2\nexit 1\n', { mode: 0o755 });
    const r = await check(cache, ['--sandbox', 'bwrap'], { TRACEGRADE_BWRAP: broken });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bwrap probe failed: bwrap: Creating new namespace failed/);
    expect(kept()).toHaveLength(1);
    // The real one again: the kept success serves it.
    expect((await check(cache, ['--sandbox', 'bwrap'])).code).toBe(0);
    expect(kept()).toHaveLength(1);
  }, 90_000);
});
