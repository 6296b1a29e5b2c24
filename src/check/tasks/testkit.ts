/**
 * Synthetic task traces for unit tests: a program written as the tracer's events in order, each
 * step's lines beside it. `msPerEvent` stamps times: 0 puts every event in one instant (a
 * virtual clock without sleeps), any other value spreads them, so a test can require that the
 * verdict depends on the order alone.
 */

import type { RunRecord, TaskEvent, TraceLine } from '../../trace/types.js';
import { run } from '../testkit.js';

/** [kind, task, name?, extra?]; a 'print' row is a line printed by that task inside coroutine `name`. */
export type Row =
  | ['created', number, string, Partial<TaskEvent>?]
  | ['started' | 'resumed' | 'suspended' | 'done' | 'cancelled', number]
  | ['entered' | 'left', number, string]
  | ['awaited', number, number]
  | ['blocking', number, string, number]
  | ['print', number, string, string]
  | ['thread', number, string];

export function program(rows: Row[], msPerEvent = 10): RunRecord {
  const events: TaskEvent[] = [];
  const lines: TraceLine[] = [];
  let t = 0;
  for (const r of rows) {
    t += msPerEvent;
    switch (r[0]) {
      case 'created':
        events.push({ tMs: t, kind: 'created', task: r[1], name: r[2], via: r[1] === 1 ? 'main' : 'create_task', detail: `Task-${r[1]}`, ...(r[1] === 1 ? {} : { by: 1 }), ...(r[3] ?? {}) });
        break;
      case 'entered':
      case 'left':
        events.push({ tMs: t, kind: r[0], task: r[1], name: r[2] });
        break;
      case 'awaited':
        events.push({ tMs: t, kind: 'awaited', task: r[1], by: r[2] });
        break;
      case 'blocking':
        events.push({ tMs: t, kind: 'blocking', task: r[1], name: r[2], detail: `time.sleep(${r[3] / 1000})`, durationMs: r[3] });
        t += msPerEvent === 0 ? 0 : r[3];
        break;
      case 'print':
        lines.push({ tMs: t, stream: 'stdout', text: r[3], task: r[1], coro: r[2], thread: 0 });
        break;
      case 'thread':
        lines.push({ tMs: t, stream: 'stdout', text: r[2], thread: r[1] });
        break;
      default:
        events.push({ tMs: t, kind: r[0], task: r[1] });
    }
  }
  return { ...run(lines, { wallMs: t }), tasks: events };
}

/** main creates fetch_data (2) and print_numbers (3) as tasks and awaits both: the lesson's program. */
export function lesson(): Row[] {
  const rows: Row[] = [
    ['created', 1, 'main'], ['started', 1], ['entered', 1, 'main'],
    ['created', 2, 'fetch_data'], ['created', 3, 'print_numbers'], ['awaited', 2, 1], ['suspended', 1],
    ['started', 2], ['entered', 2, 'fetch_data'], ['print', 2, 'fetch_data', 'start fetching'], ['suspended', 2],
    ['started', 3], ['entered', 3, 'print_numbers'], ['print', 3, 'print_numbers', '0'], ['suspended', 3],
  ];
  for (let i = 1; i < 8; i++) rows.push(['resumed', 3], ['print', 3, 'print_numbers', String(i)], ['suspended', 3]);
  rows.push(['resumed', 2], ['print', 2, 'fetch_data', 'done fetching'], ['left', 2, 'fetch_data'], ['done', 2]);
  rows.push(['resumed', 1], ['print', 1, 'main', "{'data': 1}"], ['awaited', 3, 1], ['suspended', 1]);
  rows.push(['resumed', 3], ['print', 3, 'print_numbers', '8'], ['suspended', 3], ['resumed', 3], ['print', 3, 'print_numbers', '9'], ['suspended', 3]);
  rows.push(['resumed', 3], ['left', 3, 'print_numbers'], ['done', 3], ['resumed', 1], ['left', 1, 'main'], ['done', 1]);
  return rows;
}
