/** Shared helpers for the runner tests: settings, hostile files, leftover-process checks. */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Limits, RunSettings } from '../src/spec/types.js';
import type { RunRecord } from '../src/trace/types.js';

export const HOSTILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hostile');

export function settings(over: Partial<RunSettings> = {}): RunSettings {
  return { runtime: 'python', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all', ...over };
}

/** Small limits keep the suite fast (the machine is shared). */
export const SMALL: Partial<Limits> = { wallMs: 2500, cpuMs: 5000, memoryBytes: 256 * 1048576, outputBytes: 1 << 20 };

export function marker(): string {
  return `tg-marker-${randomUUID()}`;
}

/** Whether the fork server forked this run's program into its sandbox (its record says so). */
export function wasForked(run: Pick<RunRecord, 'sandbox'>): boolean {
  return (run.sandbox?.mechanisms ?? []).some((m) => /fork server/.test(m));
}

/** Pids of live processes whose argv contains `mark`. */
export function processesWith(mark: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const st = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (cmd.includes(mark) && !/\) Z /.test(st)) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

export function killAllWith(mark: string): void {
  for (const pid of processesWith(mark)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

const made: string[] = [];

export function tempDir(prefix = 'tg-test-'): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Remove every dir tempDir made (call from afterAll). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeSubmission(files: Record<string, string>): string {
  const d = tempDir('tg-sub-');
  for (const [n, c] of Object.entries(files)) writeFileSync(path.join(d, n), c);
  return d;
}

export function texts(r: { trace: { text: string }[] }): string[] {
  return r.trace.map((l) => l.text);
}
