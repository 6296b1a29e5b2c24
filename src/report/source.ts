/**
 * Where reporters read results from (issue 15: reports for 10,000 submissions in bounded memory).
 * A source holds, per submission, only a *summary* (`summarizer`: a few KB) and the digest
 * of the full result; each full result is read again from where it is kept (results.json,
 * the shards, the store) when a page needs it, then dropped. Class-level figures (credit,
 * pass rates, distribution) are computed from the summaries.
 */

import type { CheckResult, GradeResults, SubmissionResult } from '../score/types.js';
import type { RunRecord } from '../trace/types.js';
import { submissionDigest } from './output-key.js';

export interface ResultSource {
  /** The header and one summary per submission (`summarizer`), in order: what class views read. */
  readonly results: GradeResults;
  /** Per submission: `submissionDigest` of its full result (the keys of report files). */
  readonly digests: readonly string[];
  /** The full result of submission `i`, read again (never cached: the caller drops it). */
  load(i: number): Promise<SubmissionResult>;
  /** Release what the source holds open (a file). */
  close?(): Promise<void>;
}

/**
 * A summary keeps what class-level views read (credit, pass rates, the submissions table,
 * summary lines, junit's totals, the CI gate, merge's order): ids and titles, statuses and
 * points, and per run its end, times and errors. Dropped: traces and task events, every
 * check's message (''), hint, per-run outcomes, quoted lines and windows, and the runs'
 * sandbox details, activity and runtime. A summary is never rendered as a submission's own
 * page: those load the full result. Repeated strings (titles, ids, paths of specs) are shared.
 */
export function summarizer(): (s: SubmissionResult) => SubmissionResult {
  const seen = new Map<string, string>();
  const intern = (x: string): string => {
    const got = seen.get(x);
    if (got !== undefined) return got;
    if (seen.size < 100_000) seen.set(x, x);
    return x;
  };
  return (s) => {
    const out: SubmissionResult = {
      id: s.id,
      path: s.path,
      spec: intern(s.spec),
      specFile: intern(s.specFile),
      specTitle: intern(s.specTitle),
      score: s.score,
      maxScore: s.maxScore,
      checks: s.checks.map((c) => {
        const k: CheckResult = { id: intern(c.id), title: intern(c.title), status: c.status, points: c.points, maxPoints: c.maxPoints, message: '', visibility: c.visibility, lines: [], windows: [] };
        if (c.specLine !== undefined) k.specLine = c.specLine;
        return k;
      }),
      runs: s.runs.map((r) => {
        const run: RunRecord = { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, truncated: r.truncated, end: r.end, wallMs: r.wallMs, clock: r.clock, sandbox: { level: r.sandbox?.level }, trace: [] };
        if (r.clockFallback !== undefined) run.clockFallback = r.clockFallback;
        if (r.error !== undefined) run.error = r.error;
        if (r.tampered !== undefined) run.tampered = r.tampered;
        return run;
      }),
      gradedAt: s.gradedAt,
      durationMs: s.durationMs,
    };
    if (s.error !== undefined) out.error = s.error;
    if (s.tampered !== undefined) out.tampered = s.tampered;
    if (s.selection !== undefined) out.selection = s.selection;
    return out;
  };
}

/** Results already in memory (the library, small runs): the summaries are the full results. */
export function memorySource(results: GradeResults): ResultSource {
  const subs = results.submissions;
  return {
    results,
    digests: subs.map(submissionDigest),
    load: async (i) => subs[i]!,
  };
}

/** A reporter's input: results in memory, or a source. */
export function asSource(input: GradeResults | ResultSource): ResultSource {
  return 'load' in input ? input : memorySource(input);
}

/** Every full result at once: for the views of a single submission (its page is index.html). */
export async function wholeResults(source: ResultSource): Promise<GradeResults> {
  const n = source.results.submissions.length;
  const submissions: SubmissionResult[] = [];
  for (let i = 0; i < n; i++) submissions.push(await source.load(i));
  return { ...source.results, submissions };
}

/** One entry of a source made of others: submission `index` of `from`. */
export interface Pick {
  from: ResultSource;
  index: number;
}

/** A source whose submissions are taken from other sources (a merge of shards, `--failed`). */
export function pickedSource(header: Omit<GradeResults, 'submissions'>, picks: Pick[], close?: () => Promise<void>): ResultSource {
  return {
    results: { ...header, submissions: picks.map((p) => p.from.results.submissions[p.index]!) },
    digests: picks.map((p) => p.from.digests[p.index]!),
    load: (i) => picks[i]!.from.load(picks[i]!.index),
    ...(close ? { close } : {}),
  };
}
