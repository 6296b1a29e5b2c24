/**
 * Lines of a reference run that hold measured numbers ("took 1.50 s", "id=8817", "memory 175
 * KB"): copied literally into a draft they fail the very reference they came from the next time
 * it runs. Such a line becomes a pattern (its numbers abstracted). A line counts as measured
 * when a number in it carries a time unit or a decimal point (a program's constants are rarely
 * fractions; its measurements nearly always are), has three digits or more (an id, a size, a
 * count of bytes), when the runs printed it with different numbers (a timestamp, a count of
 * events) — or whatever its numbers when there is a single run, which cannot tell a constant
 * from a random number. With several runs, a small integer (under 100) they all printed alike
 * is taken as a constant.
 * Only a time measurement ("took 1.50 s") also gets a `value` check on its number, and only
 * when the runs agree on it within half of it: anything else may be random (an id, a memory
 * size) and is left to the pattern. PURE.
 */

import type { TraceLine } from '../trace/types.js';

const NUM = /\d+(?:[.,]\d+)?/g;
const NUM_RE = '-?\\d+(?:[.,]\\d+)?';
const UNIT_AFTER = /^\s*(ms|s|secs?|seconds?|µs|us|mins?|minutes?)\b/i;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The line with every number abstracted: the key measured lines are compared by. */
export function numberShape(text: string): string {
  return `^${text.split(NUM).map(escape).join(NUM_RE)}\\s*$`;
}

/** The index of the number with a time unit after it (and the unit), if any. */
function unitNumber(text: string): { index: number; unit: string } | undefined {
  let i = 0;
  for (const m of text.matchAll(NUM)) {
    const u = UNIT_AFTER.exec(text.slice(m.index + m[0].length));
    if (u) return { index: i, unit: u[1]!.toLowerCase() };
    i++;
  }
  return undefined;
}

const numbers = (text: string): number[] => [...text.matchAll(NUM)].map((m) => Number(m[0].replace(',', '.')));

export interface Measured {
  /** Whether a stdout/stderr line's text holds a measurement. */
  is(text: string): boolean;
  /** The selector key of a line: its text, or `\0re:<regex>` for a measured one. */
  key(text: string): string;
  /** The value checks to draft: the first line of each measured shape that every run printed. */
  checks(): Array<{ pattern: string; sample: string; about: number; tolerance: number; unit?: string; observed: number[] }>;
}

export function measuredLines(outs: TraceLine[][]): Measured {
  // Shapes whose numbers differ between runs (compared occurrence by occurrence).
  const varying = new Set<string>();
  const byShape = outs.map((o) => {
    const m = new Map<string, string[]>();
    for (const l of o) {
      if (!/\d/.test(l.text)) continue;
      const s = numberShape(l.text);
      m.set(s, [...(m.get(s) ?? []), l.text]);
    }
    return m;
  });
  for (const [shape, texts] of byShape[0] ?? []) {
    if (byShape.some((m) => (m.get(shape) ?? []).some((t, i) => texts[i] !== undefined && t !== texts[i]))) varying.add(shape);
  }
  const is = (text: string): boolean =>
    /\d/.test(text) && (outs.length === 1 || unitNumber(text) !== undefined || /\d[.,]\d|\d{3}/.test(text) || varying.has(numberShape(text)));
  const key = (text: string): string => (is(text) ? `\0re:${numberShape(text)}` : text);

  const checks: ReturnType<Measured['checks']> = [];
  const done = new Set<string>();
  for (const l of outs[0] ?? []) {
    if (!is(l.text)) continue;
    const shape = numberShape(l.text);
    if (done.has(shape)) continue;
    done.add(shape);
    const firsts = outs.map((o) => o.find((x) => numberShape(x.text) === shape)?.text);
    if (firsts.some((t) => t === undefined)) continue;
    const unit = unitNumber(l.text);
    if (!unit) continue; // not a time: a pattern only (it may be an id, a size, a random number)
    const all = firsts.map((t) => numbers(t!));
    const index = unit.index;
    const observed = all.map((a) => a[index]!);
    const parts = l.text.split(NUM).map(escape);
    const pattern = `^${parts.map((p, i) => (i === 0 ? p : `${i - 1 === index ? `(${NUM_RE})` : NUM_RE}${p}`)).join('')}\\s*$`;
    const mean = observed.reduce((a, b) => a + b, 0) / observed.length;
    const spread = Math.max(...observed) - Math.min(...observed);
    // Runs that disagree by half the value measured nothing stable: a pattern only.
    if (spread > 0.5 * Math.abs(mean)) continue;
    // A loaded grader stretches a measured time by a fraction (±20 % seen on 2 shared cores,
    // on the recording as on the re-run): half the value, or 3× the spread seen, with a floor
    // in the number's own unit (0.15 s, 150 ms).
    const floor = ({ ms: 150, 'µs': 150_000, us: 150_000, min: 0.01, mins: 0.01, minute: 0.01, minutes: 0.01 } as Record<string, number>)[unit.unit] ?? 0.15;
    const tolerance = Math.max(0.5 * Math.abs(mean), 3 * spread, floor, 0.001);
    checks.push({ pattern, sample: l.text, about: mean, tolerance, unit: unit.unit, observed });
  }
  return { is, key, checks: () => checks };
}
