/**
 * What this machine offers the tests: the bwrap sandbox (through the runner's own probe),
 * headless Chromium, xmllint and each Python 3.8–3.13. Detected once per run (the first test
 * file to ask writes facilities.json into the run's dir, TRACEGRADE_TEST_RUN, made by
 * test/global-setup.mjs; the others read it), and `needs(...)` gives
 * `describe`/`test` that skip, with the reason, when one is missing. Jest has no skip reason:
 * the titles of such tests end in "[needs X]", and test/summary-reporter.cjs lists each missing
 * facility under the closing line.
 *
 * TRACEGRADE_TEST_NO=chromium,xmllint,python3.9 hides facilities that are installed, to run the
 * suite as on a machine without them (TRACEGRADE_BWRAP=/nonexistent does it for bwrap too).
 * TRACEGRADE_TEST_REQUIRE=bwrap,chromium,xmllint (set by .ci/run) makes their tests fail
 * instead of skipping when one is missing: CI must not pass by skipping.
 */

import { accessSync, constants, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { probeSandbox } from '../src/run/index.js';
import { reachableByOther } from '../src/run/sandbox/reach.js';

export interface Facility {
  ok: boolean;
  /** Why it is missing: what was looked for, and how to install it. */
  reason?: string;
  /** The executable, when the facility is one. */
  path?: string;
}

export type Facilities = Record<string, Facility>;

export const PYTHON_MINORS = [8, 9, 10, 11, 12, 13] as const;
const CHROMIUM = process.env.TRACEGRADE_CHROMIUM ?? '/usr/bin/chromium';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on PATH (pyenv's shims excluded: they are slow and may point anywhere). */
function onPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d && !d.includes('.pyenv/shims') && executable(join(d, name))) return join(d, name);
  }
  return undefined;
}

/** Python 3.minor as the CLI's `--python 3.x` finds it: python3.x on PATH, or a pyenv 3.x.* version. */
function python(minor: number): Facility {
  const root = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const versions = existsSync(join(root, 'versions')) ? readdirSync(join(root, 'versions')).sort() : [];
  const dir = versions.find((d) => d.startsWith(`3.${minor}.`) && executable(join(root, 'versions', d, 'bin', 'python3')));
  const exe = dir ? join(root, 'versions', dir, 'bin', 'python3') : onPath(`python3.${minor}`);
  return exe ? { ok: true, path: exe } : { ok: false, reason: `neither python3.${minor} on PATH nor ${root}/versions/3.${minor}.*` };
}

/** Probe everything (the sandbox probe runs a real bwrap with the flags a run uses). */
export async function detectFacilities(): Promise<Facilities> {
  const found: Facilities = {};
  const bwrap = await probeSandbox('bwrap');
  found.bwrap = bwrap.ok ? { ok: true } : { ok: false, reason: bwrap.reason ?? 'bwrap probe failed' };
  found.chromium = executable(CHROMIUM)
    ? { ok: true, path: CHROMIUM }
    : { ok: false, reason: `${CHROMIUM} not found (apt-get install chromium, or set TRACEGRADE_CHROMIUM)` };
  const xmllint = onPath('xmllint');
  found.xmllint = xmllint ? { ok: true, path: xmllint } : { ok: false, reason: 'xmllint not on PATH (apt-get install libxml2-utils)' };
  for (const m of PYTHON_MINORS) found[`python3.${m}`] = python(m);
  const hidden = (process.env.TRACEGRADE_TEST_NO ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of hidden) found[name] = { ok: false, reason: `hidden by TRACEGRADE_TEST_NO=${process.env.TRACEGRADE_TEST_NO}` };
  return found;
}

/** The run's answer, probed by the first file that asks (without a run dir: probed for this file). */
async function load(): Promise<Facilities> {
  const run = process.env.TRACEGRADE_TEST_RUN;
  const file = run && join(run, 'facilities.json');
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Facilities;
  const found = await detectFacilities();
  if (file) {
    // Two workers may both probe; each writes whole (rename), and the answers agree.
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(found));
    renameSync(`${file}.${process.pid}`, file);
  }
  return found;
}

export const facilities: Facilities = await load();

export function has(name: string): boolean {
  return facilities[name]?.ok === true;
}

/** The executable of a facility that is present. */
export function pathOf(name: string): string {
  const f = facilities[name];
  if (!f?.ok || !f.path) throw new Error(`test facility ${name} is not available: ${f?.reason ?? 'unknown facility'}`);
  return f.path;
}

/** The installed Pythons 3.8–3.13, oldest first. */
export function pythons(): Array<{ minor: number; version: string; exe: string }> {
  return PYTHON_MINORS.filter((m) => has(`python3.${m}`)).map((m) => ({ minor: m, version: `3.${m}`, exe: pathOf(`python3.${m}`) }));
}

/**
 * `describe` and `test` that run when every named facility is present, and otherwise skip
 * with "[needs X]" appended to the title (the summary reporter counts and explains those).
 * A skipped describe runs none of its hooks either.
 */
export function needs(...names: string[]): { describe: jest.Describe; test: jest.It; it: jest.It; ok: boolean } {
  const missing = names.filter((n) => !has(n));
  // CI installs these (.ci/run sets TRACEGRADE_TEST_REQUIRE): there a missing one fails its tests.
  const required = (process.env.TRACEGRADE_TEST_REQUIRE ?? '').split(',').map((s) => s.trim());
  if (!missing.length || missing.every((n) => required.includes(n))) return { describe, test, it: test, ok: !missing.length };
  const tag = ` [needs ${missing.join(', ')}]`;
  const tagged = <F extends (title: string, ...rest: never[]) => unknown>(f: F): F =>
    ((title: string, ...rest: never[]) => f(title + tag, ...rest)) as F;
  const skipTest = Object.assign(tagged(test.skip), {
    each: (table: readonly unknown[]) => tagged(test.skip.each(table as unknown[][]) as (title: string, ...rest: never[]) => unknown),
  }) as unknown as jest.It;
  const skipDescribe = Object.assign(tagged(describe.skip), {
    each: (table: readonly unknown[]) => tagged(describe.skip.each(table as unknown[][]) as (title: string, ...rest: never[]) => unknown),
  }) as unknown as jest.Describe;
  return { describe: skipDescribe, test: skipTest, it: skipTest, ok: false };
}

/** `needs('bwrap')` for the bwrap level; the rlimit and none levels work on any Linux. */
export function needsLevel(level: 'bwrap' | 'rlimit' | 'none'): ReturnType<typeof needs> {
  return level === 'bwrap' ? needs('bwrap') : needs();
}

/**
 * The level a test runs an interpreter at when the test is about that interpreter, not the
 * sandbox: bwrap where it works; else rlimit, unless as root the interpreter is out of an
 * unprivileged uid's reach (a pyenv build under /root, which the rlimit level rightly refuses,
 * test/run-hostile.test.ts): then none, said once per file.
 */
export async function levelFor(exe: string): Promise<'bwrap' | 'rlimit' | 'none'> {
  if (has('bwrap')) return 'bwrap';
  if (process.getuid?.() !== 0 || (await reachableByOther(exe))) return 'rlimit';
  if (!warned.has(exe)) {
    warned.add(exe);
    console.log(`${exe} is not reachable by an unprivileged uid and bwrap is missing: run at sandbox level none`);
  }
  return 'none';
}

const warned = new Set<string>();
