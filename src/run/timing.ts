/** Time helpers of a run: program-start rebasing, bounded waits, rounding. */

import type { RunRecord } from '../trace/types.js';

/**
 * Count times from the program's start instead of from spawn: the sandbox's and interpreter's
 * start-up (tens of ms idle, up to a second on a loaded CI runner) is not the program's time.
 * Never past the first line: its pipe may be read before the channel's.
 */
export function rebaseOnProgramStart(record: RunRecord, programStartMs: number): void {
  const startup = round3(Math.max(0, Math.min(programStartMs, record.trace[0]?.tMs ?? programStartMs, record.wallMs)));
  record.startupMs = startup;
  record.wallMs = round3(record.wallMs - startup);
  for (const line of record.trace) {
    line.tMs = round3(line.tMs - startup);
    if (line.firstByteMs !== undefined) line.firstByteMs = round3(Math.max(0, line.firstByteMs - startup));
  }
}

/**
 * Wait for `p`, at most `ms`. The timer is cleared either way: a pending timer keeps Node's
 * event loop alive, so every CLI run used to idle up to a second before it could exit.
 */
export async function raceTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

