/**
 * Worker-thread entry: scores (and serialises for the store) off the main thread, whose event
 * loop stamps every running submission's printed lines. Scoring a 5000-line trace takes 100–200 ms
 * of synchronous work; on the main loop it delayed other submissions' stamps by as much.
 */

import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { ScoreJob } from './score-job.js';

// On a busy machine the cores go to the children and the stamping thread first: Linux keeps a
// nice value per thread, so this lowers only this worker, before it loads the engine (an import
// below would be evaluated first). Best effort: a sandbox may refuse.
try {
  setPriority(19);
} catch {
  // scoring at normal priority is still off the stamping loop
}
const { handle } = await import('./score-handle.js');

parentPort?.on('message', (job: ScoreJob) => {
  handle(job).then(
    (reply) => parentPort!.postMessage(reply),
    (err: unknown) => parentPort!.postMessage({ id: job.id, unavailable: `the score worker failed: ${(err as Error)?.message ?? String(err)}` }),
  );
});
