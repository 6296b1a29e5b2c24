/**
 * What crosses into a score worker and back. A Spec holds compiled matchers (closures), which
 * structured clone cannot carry: the worker loads the spec from its file instead, applies the
 * batch's run overrides and check selection, and proves it rebuilt the same spec by comparing
 * the plain data of both (`specFingerprint`). The main thread then only stamps lines.
 */

import type { Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { SubmissionResult } from '../score/types.js';
import type { ScoreMeta } from './engine.js';
import type { StoreKey, StoreText } from './store.js';

export interface ScoreJob {
  id: number;
  /** The spec file the worker loads (an in-memory spec, file '', is scored in-process). */
  specFile: string;
  /** The effective spec's settings and selected checks: plain data. */
  run: Spec['run'];
  /** The effective named runs (`runs:`), when the spec has them. */
  namedRuns?: NonNullable<Spec['runs']>;
  timing: Spec['timing'];
  checkIds: string[];
  fingerprint: string;
  runs: RunRecord[];
  meta: ScoreMeta;
  /** When given, the worker also serialises, seals and hashes the stored result (makeStoreText). */
  store?: { key: StoreKey; secret: Uint8Array };
}

export type ScoreReply =
  | { id: number; result: SubmissionResult; runsOmitted: boolean; stored?: StoreText }
  /** The worker could not rebuild this spec (changed on disk, not loadable): score in-process. */
  | { id: number; unavailable: string };

/** The spec's plain data, in a stable form: what must match between the main thread and a worker. */
export function specFingerprint(spec: Spec): string {
  return JSON.stringify(spec);
}

/** The effective spec a worker scores with: the loaded spec with the batch's overrides. */
export function rebuildSpec(loaded: Spec, job: Pick<ScoreJob, 'run' | 'timing' | 'checkIds' | 'namedRuns'>): Spec {
  const keep = new Set(job.checkIds);
  const spec: Spec = { ...loaded, checks: loaded.checks.filter((c) => keep.has(c.id)), run: job.run, timing: job.timing };
  if (job.namedRuns) spec.runs = job.namedRuns;
  return spec;
}
