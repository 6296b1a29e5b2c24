/**
 * The run's exception as evidence, found once per run and shared by every check that mentions
 * it (explain/crash.ts writes the sentence): the last exception line on stderr and where the
 * student's own code raised it. PURE but for the per-run memo.
 */

import type { RunRecord, TraceLine } from '../trace/types.js';
import type { Crash } from './explain/evidence.js';
import { exceptionSite, lastException } from './traceback.js';

const memo = new WeakMap<TraceLine[], Crash | null>();

/** The exception the run printed last on stderr, with its site; undefined when it printed none. */
export function crashOf(run: RunRecord): Crash | undefined {
  const trace = run.trace;
  let c = memo.get(trace);
  if (c === undefined) {
    const e = lastException(trace);
    const site = e !== undefined ? exceptionSite(trace, e) : undefined;
    c = e === undefined ? null : { index: e, text: trace[e]!.text, ...(site ? { site } : {}) };
    memo.set(trace, c);
  }
  return c ?? undefined;
}
