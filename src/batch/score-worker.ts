/**
 * Worker-thread entry: scores (and serialises for the store) off the main thread, whose event
 * loop stamps every running submission's printed lines. Scoring a 5000-line trace takes 100–200 ms
 * of synchronous work; on the main loop it delayed other submissions' stamps by as much.
 */

import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadSpecFile } from '../spec/load.js';
import { scoreSubmission } from '../score/score.js';
import type { Spec } from '../spec/types.js';
import { rebuildSpec, specFingerprint, type ScoreJob, type ScoreReply } from './score-job.js';
import { storedText } from './store.js';

// On a busy machine the cores go to the children and the stamping thread first: Linux keeps a
// nice value per thread, so this lowers only this worker. Best effort (a sandbox may refuse).
try {
  setPriority(19);
} catch {
  // scoring at normal priority is still off the stamping loop
}

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

async function handle(job: ScoreJob): Promise<ScoreReply> {
  const loaded = await load(job.specFile);
  if (typeof loaded === 'string') return { id: job.id, unavailable: loaded };
  const spec = rebuildSpec(loaded, job);
  if (specFingerprint(spec) !== job.fingerprint) return { id: job.id, unavailable: `the spec ${job.specFile} changed on disk` };
  const result = scoreSubmission(spec, job.runs, job.meta);
  const text = job.store ? storedText(job.store.key, result, Buffer.from(job.store.secret)) : undefined;
  // The main thread has the runs already: sending the traces back would cost it a deserialisation.
  const runsOmitted = result.runs === job.runs;
  const reply = runsOmitted ? { ...result, runs: [] } : result;
  return { id: job.id, result: reply, runsOmitted, ...(text !== undefined ? { text } : {}) };
}

parentPort?.on('message', (job: ScoreJob) => {
  handle(job).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => parentPort!.postMessage({ id: job.id, unavailable: `the score worker failed: ${(err as Error)?.message ?? String(err)}` }),
  );
});
