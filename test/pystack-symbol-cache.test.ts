/**
 * The stack reader's symbol tables are kept in the probe cache (locate.ts): read once per
 * interpreter file, not once per grading process. Only a file of our own is believed.
 */

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pythons } from './facilities.js';

const ROOT = new URL('..', import.meta.url).pathname;
const py = pythons().at(-1);
const prefetch = (cacheDir: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(ROOT, 'dist/run/pystack/index.js'))}); m.prefetchSymbols(${JSON.stringify(py!.exe)});`], {
    env: { ...process.env, TRACEGRADE_CACHE_DIR: cacheDir },
    encoding: 'utf8',
  });

(py ? test : test.skip)('symbols are stored once per interpreter file, and a cache file others can write is not used', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-symcache-'));
  try {
    const file = path.join(dir, 'pystack-symbols.json');
    expect(prefetch(dir).status).toBe(0);
    const first = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { value: Record<string, string> }> };
    const values = Object.values(first.entries).map((e) => e.value);
    expect(values.some((v) => /^[0-9a-f]+$/.test(v._PyRuntime ?? ''))).toBe(true);
    const written = statSync(file).mtimeMs;

    // A second process finds them: the file is not written again.
    expect(prefetch(dir).status).toBe(0);
    expect(statSync(file).mtimeMs).toBe(written);

    // World-writable: anyone could have planted addresses, so it is read as empty and replaced.
    writeFileSync(file, JSON.stringify({ format: 1, entries: {} }));
    chmodSync(file, 0o666);
    expect(prefetch(dir).status).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o022).toBe(0);
    const again = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(again.entries).length).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
