/** Timeline labels: which lines get words when they cannot all have them. */

import type { RunRecord, TraceLine } from '../src/trace/types.js';
import { timelineSvg, type Highlight } from '../src/report/timeline.js';

function runOf(trace: TraceLine[]): RunRecord {
  return {
    exitCode: 1,
    signal: null,
    timedOut: false,
    truncated: false,
    end: 'exited',
    wallMs: 80,
    trace,
    sandbox: { level: 'none' },
    clock: 'real',
  } as unknown as RunRecord;
}

test('a crash: the error line, cited by two failed checks, keeps its label among many offending stderr lines', () => {
  // As the bundled fetch-and-count/crash: nine traceback lines within a few ms, every one offending
  // for "nothing on stderr", and the last-but-one also "the error" of the exit-code check.
  const texts = [
    'Traceback (most recent call last):',
    '  File "/work/main.py", line 17, in <module>',
    '    task1 = asyncio.create_task(fetch_data())',
    '  File "/usr/lib/python3.11/asyncio/tasks.py", line 381, in create_task',
    '    loop = events.get_running_loop()',
    '           ^^^^^^^^^^^^^^^^^^^^^^^^^',
    '  File "/usr/lib/python3.11/asyncio/events.py", line 40',
    'RuntimeError: no running event loop',
    "sys:1: RuntimeWarning: coroutine 'fetch_data' was never awaited",
  ];
  const trace: TraceLine[] = texts.map((text, i) => ({ tMs: 60 + i * 0.5, stream: 'stderr', text }));
  const highlights: Highlight[] = trace.map((l, index) => ({
    index,
    tMs: l.tMs,
    stream: 'stderr',
    text: l.text,
    role: 'offending',
    note: 'printed on stderr',
    checkId: 'no-traceback',
    checkTitle: 'Nothing on stderr',
  }));
  highlights.push({ index: 7, tMs: trace[7]!.tMs, stream: 'stderr', text: trace[7]!.text, role: 'context', note: 'the error', checkId: 'clean-exit', checkTitle: 'Exits normally' });
  const svg = timelineSvg({ run: runOf(trace), idPrefix: 't', highlights, windows: [] });
  const labels = [...svg.matchAll(/class="tl-label"[^>]*>([^<]*)</g)].map((m) => m[1]!);
  expect(labels.length).toBeLessThan(texts.length); // not every line has room
  expect(labels.some((l) => l.startsWith('✗ RuntimeError'))).toBe(true);
});
