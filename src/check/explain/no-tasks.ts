/** The sentences for "no asyncio task ran", one per cause (evidence from tasks/no-tasks.ts). */

import type { TraceLine } from '../../trace/types.js';
import type { NoTaskCause } from './evidence.js';
import { renderError } from './crash.js';
import { fmtDuration } from '../format.js';
import { raiseHint } from '../../trace/limit-hint.js';

/** What to do instead, in every "no asyncio task ran" message. */
const HOW_TO =
  'write the work as coroutines (async def), start them as tasks with asyncio.create_task inside main(), ' +
  'run main() with asyncio.run(main()), and wait with await asyncio.sleep(…)';

export function renderNoTasks(c: NoTaskCause, trace: TraceLine[]): string {
  switch (c.kind) {
    case 'not-run':
      return `no asyncio task ran: the submission could not be run (${c.error}).`;
    case 'timeout':
      return (
        `no asyncio task ran: the program was stopped at the wall-time limit after ${fmtDuration(c.wallMs)}${c.detail ? ` (${c.detail})` : ''}, before any task started.${before(c.used)} ` +
        `Something before the event loop never finishes (an endless loop, a blocking call or a wait on a thread); the tasks only run once main() is started with asyncio.run(main()).` +
        (c.detail ? '' : ` If it only needs more time, ${raiseHint('wall')}.`)
      );
    case 'stopped': {
      const head = `no asyncio task ran: the program ${c.how} after ${fmtDuration(c.wallMs)}${c.extra}`;
      if (!c.error) return `${head}, before any task started.${before(c.used)} Find out why it stops early (sys.exit, a crash) first.`;
      const tip = /no running event loop/.test(c.error.text)
        ? ' asyncio.create_task only works while the event loop runs: call it inside main(), which asyncio.run(main()) starts — not at module level or in a plain def.'
        : '';
      return `${head}, stopped by ${renderError(trace, c.error)}, before any task started.${before(c.used)} Fix that error first${c.error.site ? '' : ' (its traceback on stderr names the line)'}.${tip}`;
    }
    case 'caught':
      return (
        `no asyncio task ran: the program printed an error, ${renderError(trace, c.error)}, and still exited normally, so the exception was caught ` +
        `(by the program or the driver that imports your code) and what should have followed it never ran${c.loopRan ? '' : ', nor did any event loop'}.${before(c.used)} ` +
        `Fix that error first${c.error.site ? '' : ' (run the program yourself to see where it is raised)'}.`
      );
    case 'without-loop':
      return (
        `no asyncio task ran: the program ${c.used}, without an asyncio event loop. ${c.threads ? 'Threads' : 'Printing between time.sleep calls'} can give the same lines at the same times, ` +
        `but this exercise is about asyncio tasks: ${HOW_TO}.`
      );
    case 'no-loop':
      return (
        `no asyncio task ran: the program imports asyncio but no event loop ever started, so no coroutine ran ` +
        `(calling an async def function only creates a coroutine object; something must run it, e.g. asyncio.run(main())).`
      );
    case 'silent':
      return `no asyncio task ran, and the program printed nothing: it exited after ${fmtDuration(c.wallMs)} without starting an event loop. To fix it, ${HOW_TO}.`;
    case 'at-once':
      return (
        `no asyncio task ran: the program printed all ${c.lines === 1 ? 'its line' : `${c.lines} lines`} at once (within ${fmtDuration(c.spanMs)}), ` +
        `without waiting and without asyncio. Printing the expected lines is not the exercise: ${HOW_TO}.`
      );
    case 'no-task':
      return `no asyncio task ran: the program printed its lines without ever running a coroutine as a task${c.loopRan ? ' (an event loop ran, but no task in it)' : ''}. To fix it, ${HOW_TO}.`;
  }
}

function before(used: string): string {
  return used ? ` It had ${used} before that.` : '';
}
