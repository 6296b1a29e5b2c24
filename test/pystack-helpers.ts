/**
 * Helpers for test/pystack*.test.ts: the witness script, starting it (directly, as another
 * uid, or in a real bwrap), finding its host pid, and waiting until every thread is blocked in
 * read(2) — so the stacks read are fixed, not a race.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** main: asyncio.run(main()) → task fetch_data → inner() blocked on stdin; a thread `waiter` blocked on a pipe. */
export const WITNESS_SCRIPT = `
import asyncio, os, sys, threading
r, w = os.pipe()
started = threading.Event()
def waiter():
    started.set()
    os.read(r, 1)
def inner():
    started.wait()
    print("ready", flush=True)
    return sys.stdin.readline()
def deep(n):
    return deep(n - 1) if n else inner()
async def fetch_data():
    return deep(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
async def main():
    return await asyncio.create_task(fetch_data())
threading.Thread(target=waiter, daemon=True).start()
asyncio.run(main())
`;

const dirs: string[] = [];

/** A world-readable temp dir holding `name` with `text` (another uid must read it). */
export function scriptFile(name: string, text: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'tg-pystack-')));
  dirs.push(dir);
  chmodSync(dir, 0o755);
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o644 });
  return file;
}

export function removeScriptDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Resolves once the child printed a line `ready` (with what it printed before), rejects if it ends first. */
export function startChild(file: string, args: string[], opts: { uid?: number; cwd?: string } = {}): Promise<ChildProcess & { printed: string }> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], uid: opts.uid, gid: opts.uid, cwd: opts.cwd });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      Object.assign(child, { printed: out }); // kept up to date: a test may wait for later lines
      if (/^ready$/m.test(out)) resolve(child as ChildProcess & { printed: string });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before ready: ${out}${err}`)));
  });
}

/** Ends the child by answering its readline; resolves with its exit code. */
export function release(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
    child.stdin!.end('go\n');
  });
}

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** The host pid of the python process under `root` (bwrap → its init → python), itself included. */
export function pythonUnder(root: number): number | null {
  for (const pid of [root, ...children(root).flatMap((c) => [c, ...children(c)])]) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('python')) return pid;
    } catch {
      /* gone */
    }
  }
  return null;
}

/** Waits until every thread of `pid` sits in read(2) (syscall 0): nothing on its stacks moves. */
export async function allBlockedInRead(pid: number, ms = 10_000, threads = 2): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const tasks = readdirSync(`/proc/${pid}/task`);
    const calls = tasks.map((t) => readFileSync(`/proc/${pid}/task/${t}/syscall`, 'utf8'));
    if (tasks.length >= threads && calls.every((s) => s.startsWith('0 '))) return;
    if (Date.now() > end) throw new Error(`threads of ${pid} not all blocked in read: ${calls.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until the main thread of `pid` (task `pid`) sits in read(2), whatever the others do. */
export async function mainBlockedInRead(pid: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!readFileSync(`/proc/${pid}/task/${pid}/syscall`, 'utf8').startsWith('0 ')) {
    if (Date.now() > end) throw new Error(`main thread of ${pid} not blocked in read`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** main blocked in inner() on stdin while a thread keeps calling Python functions. */
export const BUSY_SCRIPT = `
import sys, threading
def f(n):
    return n if n < 1 else f(n - 1) + 1
def spin():
    while True:
        f(20); str(f(5)); [f(3) for _ in range(3)]
threading.Thread(target=spin, daemon=True).start()
def inner():
    print("ready", flush=True)
    sys.stdin.readline()
inner()
`;
