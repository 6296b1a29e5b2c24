/**
 * The sentence for a line that has the right text but was printed by someone other than the
 * coroutine a `by:` selector names ("'7' at 1.75 s (trace line 9) was printed by thread 1, not by
 * print_numbers"): FileCheck's "possible intended match", with the cause from the tracer's record.
 */

import type { LinePrinter } from './evidence.js';

/** "was printed by thread 1, not by print_numbers" — the note after the cited line. */
export function renderWrongPrinter(p: LinePrinter, want: string): string {
  switch (p.kind) {
    case 'thread':
      return `was printed by thread ${p.thread}, not by ${want} (a thread's lines are never a coroutine's work)`;
    case 'unit': {
      const t = p.task;
      const where = !t ? '' : t.name === p.name ? (t.label !== p.name ? ` (${t.label})` : '') : ` (in ${t.name}'s task${t.label !== t.name ? `, ${t.label}` : ''})`;
      return `was printed by ${p.name}${where}, not by ${want}`;
    }
    case 'loop':
      return `was printed outside any coroutine or async function call (plain code, or a callback: the loop's, a timer's, a .then's), not by ${want}`;
    case 'unstepped':
      return `was printed by ${p.name}, but while no asyncio event loop was running it (a coroutine stepped by hand with send()), so it is not ${want}'s work as a task`;
    case 'untraced':
      return `was written where the task tracer does not see it (os.write, a replaced sys.stdout, another process), so not by ${want}`;
  }
}
