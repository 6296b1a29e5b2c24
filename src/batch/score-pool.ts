/**
 * A few worker threads that score submissions (and serialise their stored results) while the main
 * thread's event loop stamps the lines of the runs still in flight. Workers hold the process open
 * only while they have a job; `close()` ends them. When the compiled worker entry is missing or a
 * worker cannot rebuild a spec, that job is scored in-process: slower stamps, identical results.
 */

import { existsSync } from 'node:fs';
import { packagePath } from '../package-root.js';
import { Worker } from 'node:worker_threads';
import type { Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { SubmissionResult } from '../score/types.js';
import { scoreSubmission } from '../score/score.js';
import type { ScoreMeta } from './engine.js';
import { specFingerprint, type ScoreJob, type ScoreReply } from './score-job.js';
import type { StoreKey, StoreText } from './store.js';

/** The bundled entry (scripts/bundle-cli.mjs), from src/ (ts-jest), dist/ and the CLI's bundle alike: a plain Worker cannot load .ts. */
export const WORKER_ENTRY = packagePath('dist/bundle/score-worker.js');

export interface Scored {
  result: SubmissionResult;
  /** The sealed store file's text and hashes, when a store key was given and a worker made them. */
  stored?: StoreText;
}

interface Lane {
  worker: Worker;
  pending: Map<number, { job: ScoreJob; spec: Spec; resolve: (s: Scored) => void }>;
}

export class ScorePool {
  private lanes: Lane[] = [];
  private nextId = 0;
  private broken: string | undefined;
  /** How many jobs were scored off the main thread, and why any were not. */
  readonly stats = { offLoop: 0, inProcess: 0, reasons: new Set<string>() };

  constructor(private readonly size: number, private readonly entry = WORKER_ENTRY) {
    if (!existsSync(entry)) this.broken = `${entry} is missing (run npm run build)`;
  }

  score(spec: Spec, runs: RunRecord[], meta: ScoreMeta, store?: { key: StoreKey; secret: Buffer }): Promise<Scored> {
    const why = this.broken ?? (spec.file ? undefined : 'in-memory spec');
    if (why) return Promise.resolve(this.inProcess(spec, runs, meta, why));
    const job: ScoreJob = {
      id: this.nextId++,
      specFile: spec.file,
      run: spec.run,
      ...(spec.runs ? { namedRuns: spec.runs } : {}),
      timing: spec.timing,
      checkIds: spec.checks.map((c) => c.id),
      fingerprint: specFingerprint(spec),
      runs,
      meta,
      ...(store ? { store: { key: store.key, secret: new Uint8Array(store.secret) } } : {}),
    };
    const lane = this.lane();
    return new Promise((resolve) => {
      lane.pending.set(job.id, { job, spec, resolve });
      lane.worker.ref(); // a job in flight keeps the process alive, an idle worker does not
      lane.worker.postMessage(job);
    });
  }

  /** End every worker; jobs still pending are scored in-process. */
  async close(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = [];
    this.broken ??= 'the pool is closed';
    for (const lane of lanes) this.fail(lane, this.broken);
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  private inProcess(spec: Spec, runs: RunRecord[], meta: ScoreMeta, why: string): Scored {
    this.stats.inProcess++;
    this.stats.reasons.add(why);
    return { result: scoreSubmission(spec, runs, meta) };
  }

  /** The least busy worker, starting one while there are fewer than `size`. */
  private lane(): Lane {
    const idle = this.lanes.find((l) => l.pending.size === 0);
    if (idle) return idle;
    if (this.lanes.length < this.size) return this.start();
    return this.lanes.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(): Lane {
    const lane: Lane = { worker: new Worker(this.entry), pending: new Map() };
    lane.worker.unref();
    lane.worker.on('message', (reply: ScoreReply) => this.settle(lane, reply));
    lane.worker.on('error', (err) => {
      this.broken = `a score worker failed: ${err.message}`; // start no more: score the rest in-process
      this.drop(lane, this.broken);
    });
    lane.worker.on('exit', () => this.drop(lane, 'a score worker exited'));
    this.lanes.push(lane);
    return lane;
  }

  private settle(lane: Lane, reply: ScoreReply): void {
    const p = lane.pending.get(reply.id);
    if (!p) return;
    lane.pending.delete(reply.id);
    if (lane.pending.size === 0) lane.worker.unref();
    if ('unavailable' in reply) return p.resolve(this.inProcess(p.spec, p.job.runs, p.job.meta, reply.unavailable));
    this.stats.offLoop++;
    // The runs stayed here: put this thread's own array back, where the scorer put it.
    if (reply.runsOmitted) reply.result.runs = p.job.runs;
    p.resolve({ result: reply.result, ...(reply.stored !== undefined ? { stored: reply.stored } : {}) });
  }

  private drop(lane: Lane, why: string): void {
    this.lanes = this.lanes.filter((l) => l !== lane);
    this.fail(lane, why);
  }

  private fail(lane: Lane, why: string): void {
    for (const p of lane.pending.values()) p.resolve(this.inProcess(p.spec, p.job.runs, p.job.meta, why));
    lane.pending.clear();
  }
}
