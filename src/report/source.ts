/**
 * Where reporters read results from (issue 15: reports for 10,000 submissions in bounded memory).
 * A source holds, per submission, only a *summary* (the result without its traces and the
 * trace lines its checks quote) and the digest of the full result; each full result is read
 * again from where it is kept (results.json, the store) when a page needs it, then dropped.
 * Class-level figures (credit, pass rates, distribution) are computed from the summaries.
 */

import type { GradeResults, SubmissionResult } from '../score/types.js';
import { submissionDigest } from './output-key.js';

export interface ResultSource {
  /** The header and one summary per submission (`summarize`), in order: what class views read. */
  readonly results: GradeResults;
  /** Per submission: `submissionDigest` of its full result (the keys of report files). */
  readonly digests: readonly string[];
  /** The full result of submission `i`, read again (never cached: the caller drops it). */
  load(i: number): Promise<SubmissionResult>;
  /** Release what the source holds open (a file). */
  close?(): Promise<void>;
}

/**
 * The result without what grows with a program's output: every run's trace and task events,
 * and the lines and windows each check quotes (they only appear on per-submission pages).
 * Everything a class view, a summary line or the CI gate reads is kept.
 */
export function summarize(s: SubmissionResult): SubmissionResult {
  return {
    ...s,
    checks: s.checks.map((c) => ({ ...c, lines: [], windows: [] })),
    runs: s.runs.map(({ trace: _t, tasks: _k, ...r }) => ({ ...r, trace: [] })),
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
