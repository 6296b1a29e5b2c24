/**
 * Which process and interpreter the reader reads: a reader opened on one program never reads
 * the program that process execs next (its /proc/<pid>/mem belongs to the old address space),
 * nor a process that ended; a process that is not the trusted interpreter is refused at open;
 * a subinterpreter the program creates does not stand in for the main interpreter.
 */

import { afterAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { openPyStackReader, type PyStackReader } from '../src/run/pystack/index.js';
import { needs, pythons } from './facilities.js';
import { allBlockedInRead, release, removeScriptDirs, scriptFile, startChild, WITNESS_SCRIPT } from './pystack-helpers.js';

afterAll(removeScriptDirs);

const newest = pythons().at(-1);
const t = newest ? test : test.skip;

function open(pid: number, exe: string): PyStackReader {
  const r = openPyStackReader(pid, exe);
  if ('error' in r) throw new Error(r.error);
  return r;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !ok(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

t(`after an exec, the old reader reads nothing; a new one reads the new program${newest ? '' : ' [needs a Python 3.8–3.13]'}`, async () => {
  const exe = newest!.exe;
  const witness = scriptFile('witness.py', WITNESS_SCRIPT);
  // First program: waits for a line, then execs the same interpreter on the witness script.
  const first = `import os, sys\nprint("ready", flush=True)\nsys.stdin.readline()\nos.execv(sys.executable, [sys.executable, ${JSON.stringify(witness)}])\n`;
  const child = await startChild(exe, ['-c', first]);
  const pid = child.pid!;
  try {
    await allBlockedInRead(pid, 10_000, 1);
    const before = open(pid, exe);
    expect(before.threads()!.flatMap((s) => s.frames.map((f) => f.name))).toEqual(['<module>']);
    child.stdin!.write('exec\n');
    await until('the exec', () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('witness.py'));
    await allBlockedInRead(pid);
    expect(before.threads()).toBeNull();
    before.close();
    const after = open(pid, exe);
    expect(after.threads()!.find((s) => s.main)!.frames[0]!.name).toBe('inner');
    after.close();
  } finally {
    expect(await release(child)).toBe(0);
  }
});

t(`a process that ended reads nothing${newest ? '' : ' [needs a Python 3.8–3.13]'}`, async () => {
  const exe = newest!.exe;
  const child = await startChild(exe, ['-c', 'import sys; print("ready", flush=True); sys.stdin.readline()']);
  const reader = open(child.pid!, exe);
  expect(await release(child)).toBe(0);
  expect(reader.threads()).toBeNull();
  reader.close();
});

needs('python3.12', 'python3.13').test('another interpreter than the trusted one is refused at open', async () => {
  const [p12, p13] = [pythons().find((p) => p.minor === 12)!, pythons().find((p) => p.minor === 13)!];
  const child = await startChild(p12.exe, ['-c', 'import sys; print("ready", flush=True); sys.stdin.readline()']);
  try {
    expect(openPyStackReader(child.pid!, p13.exe)).toEqual({ error: `${p13.exe} is not mapped in the process` });
  } finally {
    expect(await release(child)).toBe(0);
  }
});

describe.each(pythons())('a subinterpreter (the newest, interpreters.head) in $version', ({ exe }) => {
  test('does not hide the main interpreter\'s threads', async () => {
    const script = scriptFile('sub.py', `try:\n    import _interpreters as I\nexcept ImportError:\n    import _xxsubinterpreters as I\nSUB = I.create()\n${WITNESS_SCRIPT}I.destroy(SUB)\n`);
    const child = await startChild(exe, [script]);
    try {
      await allBlockedInRead(child.pid!);
      const reader = open(child.pid!, exe);
      const threads = reader.threads()!;
      reader.close();
      expect(threads.find((s) => s.main)!.frames.map((f) => f.name)).toContain('fetch_data');
      expect(threads.flatMap((s) => s.frames.map((f) => f.name))).toContain('waiter');
    } finally {
      expect(await release(child)).toBe(0);
    }
  });
});

test('no such process: an error, not a throw', () => {
  expect(openPyStackReader(2 ** 22 + 1, '/usr/bin/python3')).toMatchObject({ error: expect.any(String) });
  expect(openPyStackReader(-1, '/usr/bin/python3')).toMatchObject({ error: expect.any(String) });
});
