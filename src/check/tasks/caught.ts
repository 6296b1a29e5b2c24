/**
 * An exception a program caught and printed, then exited normally: the real reason nothing
 * ran after it. Course drivers often wrap their calls (`try: … except Exception as e: print(e)`),
 * so the evidence may be a whole traceback (traceback.print_exc), an exception line on either
 * stream ("ValueError: …"), or only the message of an error a driver typically catches
 * (print(e) of a failed `__import__('3-tasks')` or of asyncio.run given a non-coroutine). It
 * only shapes a message, never a verdict. PURE.
 */

import type { TraceLine } from '../../trace/types.js';
import type { Crash } from '../explain/evidence.js';
import { EXCEPTION_LINE, exceptionSite } from '../traceback.js';

/** Messages of errors a driver catches and prints with print(e), without the exception's name. */
const BARE_MESSAGES = [
  /^No module named '[^']+'$/,
  /^a coroutine was expected, got /,
  /^An asyncio\.Future, a coroutine or an awaitable is required$/,
  /^'\w+' object is not (callable|iterable|subscriptable)$/,
  /^(cannot import name|module '[^']+' has no attribute) /,
];

/** The last caught-and-printed exception in the trace, if one shows (its site only from a traceback on stderr). */
export function caughtError(trace: TraceLine[]): Crash | undefined {
  let found: number | undefined;
  trace.forEach((l, i) => {
    const t = l.text.trim();
    if (EXCEPTION_LINE.test(t) || BARE_MESSAGES.some((re) => re.test(t))) found = i;
  });
  if (found === undefined) return undefined;
  const l = trace[found]!;
  const site = l.stream === 'stderr' ? exceptionSite(trace, found) : undefined;
  return { index: found, text: l.text, ...(site ? { site } : {}) };
}
