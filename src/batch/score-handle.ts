/** What a score worker does with one job (score-worker.ts is the thread's entry). */

import { loadSpecFile } from '../spec/load.js';
import { scoreSubmission } from '../score/score.js';
import type { Spec } from '../spec/types.js';
import { rebuildSpec, specFingerprint, type ScoreJob, type ScoreReply } from './score-job.js';
import { makeStoreText } from './store.js';

// Per spec file, loaded once per worker.
const specs = new Map<string, Promise<Spec | string>>();

function load(file: string): Promise<Spec | string> {
  let p = specs.get(file);
  if (!p) {
    p = loadSpecFile(file).then((r) => r.spec ?? `the spec ${file} no longer loads`);
    specs.set(file, p);
  }
  return p;
}

export async function handle(job: ScoreJob): Promise<ScoreReply> {
  const loaded = await load(job.specFile);
  if (typeof loaded === 'string') return { id: job.id, unavailable: loaded };
  const spec = rebuildSpec(loaded, job);
  if (specFingerprint(spec) !== job.fingerprint) return { id: job.id, unavailable: `the spec ${job.specFile} changed on disk` };
  const result = scoreSubmission(spec, job.runs, job.meta);
  const stored = job.store ? makeStoreText(job.store.key, result, Buffer.from(job.store.secret)) : undefined;
  // The main thread has the runs already: sending the traces back would cost it a deserialisation.
  const runsOmitted = result.runs === job.runs;
  const reply = runsOmitted ? { ...result, runs: [] } : result;
  return { id: job.id, result: reply, runsOmitted, ...(stored !== undefined ? { stored } : {}) };
}
