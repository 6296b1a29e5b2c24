/** What the witness's outcome does to a run's line attributions (pure). */

import type { RunRecord } from '../../trace/types.js';
import { applyWitness, matchLines } from './line-records.js';
import type { ChannelRecord } from './types.js';
import type { WitnessOutcome } from './witness.js';

const run = (texts: string[]): RunRecord => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  truncated: false,
  end: 'exited',
  wallMs: 10,
  clock: 'real',
  sandbox: { level: 'none' },
  trace: texts.map((text, i) => ({ tMs: i, stream: 'stdout', text })),
});
const line = (n: number, x: string, extra: Partial<ChannelRecord> = {}): ChannelRecord => ({ n, k: 'line', v: 0, r: 0, s: 'stdout', x, th: 0, ...extra });
const outcome = (o: Partial<WitnessOutcome> = {}): WitnessOutcome => ({ lines: 2, stripped: new Map(), problems: [], blocks: [], ...o });

function apply(recs: ChannelRecord[], w: WitnessOutcome) {
  const out = run(['start fetching', '0']);
  const problems: string[] = [];
  const matched = matchLines(out.trace, recs, problems, true);
  applyWitness(out, matched, recs, w, problems);
  return { out, problems, matched };
}

test('a line printed outside an event-loop step keeps its text and time but loses its coroutine, and says who printed it', () => {
  const recs = [line(1, 'start fetching', { w: 1, coro: 'fetch_data', task: 2 }), line(2, '0', { w: 1, coro: 'print_numbers', task: 3 })];
  const { out, problems, matched } = apply(recs, outcome({ stripped: new Map([[1, 'fetch_data']]) }));
  expect(problems).toEqual([]);
  expect([matched.get(0)!.coro, matched.get(0)!.task, out.trace[0]!.unstepped]).toEqual([undefined, undefined, 'fetch_data']);
  expect(matched.get(1)!.coro).toBe('print_numbers');
  expect(out.witness).toEqual({ lines: 2, uncredited: 1 });
});

test('an attributed line record that skipped the witness is tampering, unless the witness was unavailable', () => {
  const recs = [line(1, 'start fetching', { coro: 'fetch_data' })];
  expect(apply(recs, outcome()).problems).toEqual(["line record 1 names a task or coroutine but was not sent for the parent's witness"]);
  const off = apply(recs, outcome({ unavailable: 'no struct layout for Python 3.14' }));
  expect(off.problems).toEqual([]);
  expect(off.out.witness).toEqual({ lines: 2, uncredited: 0, unavailable: 'no struct layout for Python 3.14' });
});

test('a record without attribution needs no witness; the witness\'s contradictions are the run\'s problems', () => {
  const recs = [line(1, 'start fetching', { th: 1 })];
  expect(apply(recs, outcome({ problems: ['line "0" was reported as printed by print_numbers, but …'] })).problems).toEqual(['line "0" was reported as printed by print_numbers, but …']);
});
