/**
 * The CI gate of `grade`: `--fail-under 80%` (every submission must score at least 80 % of its
 * points, or `--fail-under 7` points) and `--fail-under-mean 75%` (the class mean must).
 * Like Jest's coverageThreshold, a threshold not met is exit 1 after every report is written.
 * A submission that could not be graded counts as 0: the gate must not pass because it crashed.
 * What a submission earned is the credit model's (score/credit.ts), as in every report.
 */

import { CliError, EXIT } from './errors.js';
import { exactPercent, submissionCredit, type SubmissionCredit } from '../score/credit.js';
import type { GradeResults } from '../score/types.js';

export interface Threshold {
  kind: 'points' | 'percent';
  value: number;
}

/** `80%`, `80 %`, `7`, `7.5` → a threshold; undefined when the text is none of those. */
export function parseThreshold(text: string | number): Threshold | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? { kind: 'points', value: text } : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  if (m[2] && value > 100) return undefined;
  return { kind: m[2] ? 'percent' : 'points', value };
}

export const THRESHOLD_FORMAT = 'points (7) or a percentage of the points (80%)';

/** The flag's value as a threshold, or a usage error. */
export function thresholdOption(value: string | undefined, option: string): Threshold | undefined {
  if (value === undefined) return undefined;
  const t = parseThreshold(value);
  if (!t) throw new CliError(`--${option} expects ${THRESHOLD_FORMAT}, not '${value}'`, EXIT.usage);
  return t;
}

export function describe(t: Threshold): string {
  return t.kind === 'percent' ? `${t.value} %` : `${t.value} point${t.value === 1 ? '' : 's'}`;
}

/** What the threshold compares: the credit's exact percent, or its points. */
const measure = (c: SubmissionCredit, t: Threshold): number => (t.kind === 'percent' ? exactPercent(c) : c.points);

function fmt(c: SubmissionCredit, t: Threshold): string {
  return t.kind === 'percent' ? `${round1(exactPercent(c))} %` : `${round1(c.points)}/${round1(c.max)}`;
}

const round1 = (n: number): string => String(Math.round(n * 10) / 10);

/** One line per threshold not met (empty: the gate passes). */
export function gateFailures(results: GradeResults, per?: Threshold, mean?: Threshold): string[] {
  const subs = results.submissions;
  const credits = subs.map((s) => ({ s, c: submissionCredit(s) }));
  const out: string[] = [];
  if (per) {
    const under = credits.filter(({ c }) => measure(c, per) + 1e-9 < per.value);
    if (under.length > 0) {
      const list = under.slice(0, 10).map(({ s, c }) => `${s.spec}/${s.id} ${fmt(c, per)}`).join(', ');
      out.push(
        `--fail-under ${describe(per)}: ${under.length} of ${subs.length} submission${subs.length === 1 ? '' : 's'} scored less (${list}${under.length > 10 ? ', …' : ''})`,
      );
    }
  }
  if (mean && subs.length > 0) {
    const values = credits.map(({ c }) => measure(c, mean));
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    if (m + 1e-9 < mean.value) {
      out.push(`--fail-under-mean ${describe(mean)}: the mean of ${subs.length} submission${subs.length === 1 ? '' : 's'} is ${round1(m)}${mean.kind === 'percent' ? ' %' : ' points'}`);
    }
  }
  return out;
}

/** Points thresholds no submission of a spec can reach (above its maximum): one warning each. */
export function unreachable(specs: Array<{ name: string; max: number }>, per?: Threshold, mean?: Threshold): string[] {
  const out: string[] = [];
  for (const [flag, t] of [['fail-under', per], ['fail-under-mean', mean]] as const) {
    if (t?.kind !== 'points') continue;
    for (const { name, max } of specs) {
      if (t.value > max + 1e-9) out.push(`--${flag} ${describe(t)} is more than spec ${name} is worth (${round1(max)} points): no submission can reach it (a percentage such as 80% suits every spec)`);
    }
  }
  return out;
}
