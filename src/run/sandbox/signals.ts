/** Signal numbers and names, and the 128+N exit convention of wrappers (bwrap, sh). */

import os from 'node:os';

const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(os.constants.signals)) {
  if (!byNumber.has(num)) byNumber.set(num, name);
}

export function signalName(n: number): string | null {
  return byNumber.get(n) ?? null;
}

/**
 * A wrapper that reports death by signal N as exit 128+N: turn it back into the signal.
 * (A program that itself exits with 129..192 is indistinguishable; such codes are rare.)
 */
export function translateWrapperExit(exitCode: number | null, signal: string | null): { exitCode: number | null; signal: string | null } {
  if (signal || exitCode === null) return { exitCode, signal };
  if (exitCode > 128 && exitCode <= 128 + 64) {
    const name = signalName(exitCode - 128);
    if (name) return { exitCode: null, signal: name };
  }
  return { exitCode, signal };
}
