/** Durations and tolerances as instructors write them ("250ms", "0.25s", "1.5m", 2, "10%") → milliseconds. */

import type { Tolerance } from './types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
// A space between number and unit is accepted ("2.5 s" is how people write it in prose).
const DURATION_RE = /^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(ms|s|m)?\s*$/;
const DURATION_HINT = 'write 2s, 250ms, 1.5m or a number of seconds';

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** Parse a duration (bare number = seconds). `what` names the field in messages ("tolerance"). */
export function parseDuration(value: unknown, what = 'duration'): Parsed<number> {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) {
    ms = value * 1000;
  } else if (typeof value === 'string') {
    const m = DURATION_RE.exec(value);
    if (!m) return { ok: false, message: `${show(value)} is not a duration: ${DURATION_HINT}` };
    ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  } else {
    return { ok: false, message: `${show(value)} is not a duration: ${DURATION_HINT}` };
  }
  if (ms < 0) return { ok: false, message: `${what} ${show(value)} is negative`, hint: `a ${what} must be 0 or more` };
  // Round away binary noise (0.1 * 1000 = 100.00000000000001).
  return { ok: true, value: Math.round(ms * 1e6) / 1e6 };
}

const PERCENT_RE = /^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$/;

/** Parse a tolerance: a duration ("0.2s", 0.2) or a percentage of the expected value ("10%"). */
export function parseTolerance(value: unknown): Parsed<Tolerance> {
  if (typeof value === 'string') {
    const p = PERCENT_RE.exec(value);
    if (p) {
      const pct = Number(p[1]);
      if (pct < 0) return { ok: false, message: `tolerance '${value}' is negative`, hint: 'a tolerance must be 0 or more' };
      return { ok: true, value: { relative: Math.round(pct * 1e6) / 1e8 } };
    }
  }
  const d = parseDuration(value, 'tolerance');
  if (!d.ok) {
    if (d.message.includes('not a duration')) {
      return { ok: false, message: `${show(value)} is not a tolerance: write a duration (0.2s, 150ms, 0.2) or a percentage (10%)` };
    }
    return d;
  }
  return { ok: true, value: { ms: d.value } };
}
