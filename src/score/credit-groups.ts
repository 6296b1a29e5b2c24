/**
 * The credit model of a set of results: per submission (credit.ts), and per spec and for the
 * class: pass rate per check, counts of full credit, could-not-grade, timed-out and tampered,
 * mean and median. Computed once per GradeResults object and shared by every reporter.
 */

import type { GradeResults, SubmissionResult } from './types.js';
import { percentOf, submissionCredit, type SubmissionCredit } from './credit.js';

export interface CheckRate {
  spec: string;
  id: string;
  title: string;
  points: number;
  /** Not 'visible' to students before grades are published. */
  hidden: boolean;
  passed: number;
  total: number;
  /** passed / total in percent, one decimal. */
  rate: number;
}

export interface GroupCredit {
  /** The spec's name, or undefined for the whole class. */
  spec?: string;
  title: string;
  /** Indexes into results.submissions, in order. */
  members: number[];
  fullCredit: number;
  couldNotGrade: number;
  timedOut: number;
  tampered: number;
  /** Each member's percent, in order. */
  percents: number[];
  mean: number;
  median: number;
  /** Pass rate per check, hardest first (ties keep spec order). */
  rates: CheckRate[];
}

export interface CreditModel {
  /** One per results.submissions entry, same order. */
  submissions: SubmissionCredit[];
  /** Several specs' submissions (a curriculum): ids and check ids repeat across specs. */
  multiSpec: boolean;
  bySpec: GroupCredit[];
  class: GroupCredit;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function group(subs: SubmissionResult[], credits: SubmissionCredit[], members: number[], spec: string | undefined, title: string): GroupCredit {
  const rates = new Map<string, CheckRate>();
  let fullCredit = 0, couldNotGrade = 0, timedOut = 0, tampered = 0;
  for (const i of members) {
    const s = subs[i]!;
    const cr = credits[i]!;
    if (cr.fullCredit) fullCredit++;
    if (cr.status === 'could-not-grade') couldNotGrade++;
    if (cr.status === 'timed-out') timedOut++;
    if (cr.status === 'tampered') tampered++;
    s.checks.forEach((c, k) => {
      const key = `${s.spec}\u0000${c.id}`;
      let r = rates.get(key);
      if (!r) rates.set(key, (r = { spec: s.spec, id: c.id, title: c.title, points: c.maxPoints, hidden: c.visibility !== 'visible', passed: 0, total: 0, rate: 0 }));
      r.total++;
      if (cr.checks[k]!.full) r.passed++;
    });
  }
  const list = [...rates.values()];
  for (const r of list) r.rate = percentOf(r.passed, r.total);
  list.sort((a, b) => a.passed / a.total - b.passed / b.total);
  const percents = members.map((i) => credits[i]!.percent);
  const mean = percents.length ? percents.reduce((a, b) => a + b, 0) / percents.length : 0;
  return { ...(spec !== undefined ? { spec } : {}), title, members, fullCredit, couldNotGrade, timedOut, tampered, percents, mean, median: median(percents), rates: list };
}

export function buildCreditModel(results: GradeResults): CreditModel {
  const subs = results.submissions;
  const credits = subs.map(submissionCredit);
  const specs = new Map<string, { title: string; members: number[] }>();
  subs.forEach((s, i) => {
    const g = specs.get(s.spec) ?? { title: s.specTitle, members: [] };
    g.members.push(i);
    specs.set(s.spec, g);
  });
  return {
    submissions: credits,
    multiSpec: specs.size > 1,
    bySpec: [...specs.entries()].map(([name, g]) => group(subs, credits, g.members, name, g.title)),
    class: group(subs, credits, subs.map((_, i) => i), undefined, 'class'),
  };
}

const cache = new WeakMap<GradeResults, { subs: SubmissionResult[]; n: number; model: CreditModel }>();

/** The model of `results`, computed once per results object (every reporter of a run shares it). */
export function creditModel(results: GradeResults): CreditModel {
  const hit = cache.get(results);
  // A caller that swapped the submissions array gets a fresh model.
  if (hit && hit.subs === results.submissions && hit.n === results.submissions.length) return hit.model;
  const model = buildCreditModel(results);
  cache.set(results, { subs: results.submissions, n: results.submissions.length, model });
  return model;
}
