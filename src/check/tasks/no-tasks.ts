/**
 * Why no asyncio task ran, as evidence: the run ended early (the exception that stopped it, the
 * limit that killed it), or it ended normally having used threads, time.sleep, or nothing at
 * all (every line printed at once). `activity` is the tracer's summary; without it (a run
 * killed before its end record) only the trace and the exit are used.
 */

import { crashOf } from '../crash.js';
import { caughtError } from './caught.js';
import type { RunRecord } from '../../trace/types.js';
import type { LineRef } from '../types.js';
import type { NoTaskCause } from '../explain/evidence.js';
import { cite, fmtDuration } from '../format.js';

/** Lines printed within this span count as printed "at once" (an explanation only, never a verdict). */
const AT_ONCE_MS = 50;

export function noTaskCause(run: RunRecord): { cause: NoTaskCause; lines: LineRef[] } {
  const act = run.activity;
  const trace = run.trace;
  const usedParts: string[] = [];
  if (act && act.threads > 0) usedParts.push(`started ${act.threads === 1 ? 'a thread' : `${act.threads} threads`}${act.threadNames.length ? ` (${[...new Set(act.threadNames)].join(', ')})` : ''}`);
  if (act && act.sleeps > 0) usedParts.push(`waited with time.sleep (${act.sleeps === 1 ? 'once' : `${act.sleeps} calls`}, ${fmtDuration(act.sleptMs)} in all)`);
  const used = usedParts.join(' and ');

  if (run.error) return { cause: { kind: 'not-run', error: run.error }, lines: [] };
  const abnormal = run.timedOut || run.signal !== null || (run.exitCode !== null && run.exitCode !== 0) || (run.end !== 'exited' && run.exitCode === null);
  if (abnormal) {
    if (run.timedOut) {
      const detail = run.end === 'deadlock' && run.endDetail ? run.endDetail : undefined;
      return { cause: { kind: 'timeout', wallMs: run.wallMs, used, ...(detail ? { detail } : {}) }, lines: [] };
    }
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode ?? '?'}`;
    const extra = run.endDetail && run.end !== 'exited' && run.end !== 'signalled' ? ` (${run.endDetail})` : '';
    const crash = crashOf(run);
    if (crash) {
      const e = crash.index;
      const l = trace[e]!;
      return {
        cause: { kind: 'stopped', how, wallMs: run.wallMs, extra, used, error: crash },
        lines: [{ index: e, tMs: l.tMs, text: l.text, stream: 'stderr', role: 'context', note: 'the error that stopped the program' }],
      };
    }
    return { cause: { kind: 'stopped', how, wallMs: run.wallMs, extra, used }, lines: [] };
  }
  // An exception the program caught and printed is the cause, not the lack of a loop: a
  // driver that catches the import error of a missing module, or asyncio.run refusing a non-coroutine.
  const caught = caughtError(trace);
  if (caught) {
    const l = trace[caught.index]!;
    return {
      cause: { kind: 'caught', loopRan: !!act?.loopRan, used, error: caught },
      lines: [{ index: caught.index, tMs: l.tMs, text: l.text, stream: l.stream, role: 'context', note: 'the error the program caught' }],
    };
  }
  if (used) return { cause: { kind: 'without-loop', used, threads: act!.threads > 0 }, lines: [] };
  const out = trace.filter((l) => l.stream === 'stdout');
  if (act?.asyncio && !act.loopRan) return { cause: { kind: 'no-loop' }, lines: [] };
  if (out.length === 0) return { cause: { kind: 'silent', wallMs: run.wallMs }, lines: [] };
  const spanMs = out[out.length - 1]!.tMs - out[0]!.tMs;
  if (spanMs < AT_ONCE_MS && !act?.loopRan) return { cause: { kind: 'at-once', lines: out.length, spanMs }, lines: [] };
  return { cause: { kind: 'no-task', loopRan: !!act?.loopRan }, lines: [] };
}
