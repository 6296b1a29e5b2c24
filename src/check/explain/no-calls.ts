/**
 * The sentences for "no async function call ran" (Node's structure tracer saw no call take a
 * step): the same evidence as Python's "no asyncio task ran" (tasks/no-tasks.ts), in Node's
 * words, with Node's advice.
 */

import type { TraceLine } from '../../trace/types.js';
import type { NoTaskCause } from './evidence.js';
import { renderError } from './crash.js';
import { fmtDuration } from '../format.js';

const HOW_TO =
  'write the work as async functions, call them (from an async main, or the top level) before awaiting their promises, ' +
  'and wait with await on a promise (e.g. await new Promise((resolve) => setTimeout(resolve, ms)))';

export function renderNoCalls(c: NoTaskCause, trace: TraceLine[]): string {
  const head = 'no async function call ran';
  switch (c.kind) {
    case 'not-run':
      return `${head}: the submission could not be run (${c.error}).`;
    case 'timeout':
      return `${head}: the program was stopped at the wall-time limit after ${fmtDuration(c.wallMs)}${c.detail ? ` (${c.detail})` : ''}, before any call started. Something at the top level never finishes (an endless loop, a blocking wait).`;
    case 'stopped':
      return c.error
        ? `${head}: the program ${c.how} after ${fmtDuration(c.wallMs)}${c.extra}, stopped by ${renderError(trace, c.error)}, before any call started. Fix that error first.`
        : `${head}: the program ${c.how} after ${fmtDuration(c.wallMs)}${c.extra}, before any call started. Find out why it stops early (process.exit, a crash) first.`;
    case 'caught':
      return `${head}: the program printed an error, ${renderError(trace, c.error)}, and still exited normally, so the error was caught and what should have followed it never ran. Fix that error first.`;
    case 'silent':
      return `${head}, and the program printed nothing: it exited after ${fmtDuration(c.wallMs)}. To fix it, ${HOW_TO}.`;
    case 'at-once':
      return `${head}: the program printed all ${c.lines === 1 ? 'its line' : `${c.lines} lines`} at once (within ${fmtDuration(c.spanMs)}), without waiting. Printing the expected lines is not the exercise: ${HOW_TO}.`;
    case 'without-loop':
    case 'no-loop':
    case 'no-task':
      return `${head}: the program printed its lines from plain code and callbacks (timers, .then), never from inside an async function. To fix it, ${HOW_TO}.`;
  }
}
