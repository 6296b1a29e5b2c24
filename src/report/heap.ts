/**
 * Keeping a streamed report's heap small (issue 15). What stays alive is small (a summary per
 * submission), but each page rendered leaves large strings behind (a detail page, a 1 MB
 * chunk of results.json) that live in V8's large-object space, which only a full collection
 * frees; V8 grows the heap rather than collect, so a 10,000-submission report peaked at about
 * 500 MB with 40 MB alive. Sources call `relieve()` before reading each full result: when
 * the heap grew by SLACK since the last collection, collect now.
 */

import v8 from 'node:v8';
import vm from 'node:vm';

/** How much the heap may grow between collections: a few dozen pages' garbage, well within the 200 MB target. */
const SLACK = 32 * 1024 * 1024;

let gc: (() => void) | null | undefined;

/** V8's collector, exposed for this process (null where it cannot be). */
function collector(): (() => void) | null {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  return gc;
}

let floor = 0;

/** Collect when the heap grew by more than SLACK since the last time (cheap otherwise: one statistics call). */
export function relieve(): void {
  const used = v8.getHeapStatistics().used_heap_size;
  if (used < floor + SLACK) return;
  const collect = collector();
  if (!collect) return;
  collect();
  floor = v8.getHeapStatistics().used_heap_size;
}
