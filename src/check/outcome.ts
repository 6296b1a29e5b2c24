/** Outcome constructs: exit code, killing signal, time-out, and a clean stderr. */

import type { CheckBody } from '../spec/types.js';
import type { CheckOutcome, LineRef } from './types.js';
import { failed, passed, ref, type Ctx } from './common.js';
import { cite, fmtDuration, plural } from './format.js';
import { errorNote, listLines, renderError, warningNote } from './explain/index.js';
import { crashOf } from './crash.js';

type Body<K extends CheckBody['kind']> = Extract<CheckBody, { kind: K }>;

/** Signals are compared by canonical name: "kill", "sigkill" and "SIGKILL" are all "SIGKILL". */
export function canonicalSignal(s: string): string {
  const u = s.trim().toUpperCase();
  return u.startsWith('SIG') ? u : `SIG${u}`;
}

/** How the run ended, in words, for the "it …" half of a message. */
export function howItEnded(ctx: Ctx): string {
  const { run } = ctx;
  const t = fmtDuration(run.wallMs);
  if (run.timedOut) return `it was stopped at the wall-time limit after ${t}${run.signal ? ` (${run.signal})` : ''}`;
  // endDetail explains resource limits ("memory limit 256 MB exceeded"); for a plain exit it only repeats the code.
  const detail = run.endDetail && run.end !== 'exited' && run.end !== 'signalled' ? ` (${run.endDetail})` : '';
  if (run.signal) return `it was killed by ${run.signal} after ${t}${detail}`;
  if (run.exitCode !== null) return `it exited with code ${run.exitCode} after ${t}${detail}`;
  return `it ended without an exit code (${run.endDetail ?? run.end})`;
}

/**
 * The stderr line that explains a bad exit: the run's exception (crash.ts: the last exception
 * line, not a trailing "RuntimeWarning: … never awaited"), else the last stderr line.
 */
function stderrEvidence(ctx: Ctx): { text: string; lines: LineRef[] } {
  const { trace } = ctx;
  if (crashOf(ctx.run)) return errorNote(ctx);
  const err = trace.map((_, i) => i).filter((i) => trace[i]!.stream === 'stderr');
  if (err.length === 0) return { text: '', lines: [] };
  const last = err[err.length - 1]!;
  return { text: `; the last stderr line is ${cite(trace, last)}`, lines: [ref(trace, last, 'context', 'last stderr line')] };
}

export function evalExitCode(ctx: Ctx, body: Body<'exit_code'>): CheckOutcome {
  const { run } = ctx;
  if (run.exitCode === body.code) return passed(ctx, `exited with code ${body.code}`);
  const ev = stderrEvidence(ctx);
  return failed(ctx, 'violated', `expected exit code ${body.code}; ${howItEnded(ctx)}${ev.text}`, 0, ev.lines);
}

export function evalSignal(ctx: Ctx, body: Body<'signal'>): CheckOutcome {
  const { run } = ctx;
  const got = run.signal ? canonicalSignal(run.signal) : null;
  if (body.signal === null) {
    if (got === null) return passed(ctx, run.exitCode !== null ? `not killed by a signal (exited with code ${run.exitCode})` : 'not killed by a signal');
    return failed(ctx, 'violated', `expected the program not to be killed by a signal; ${howItEnded(ctx)}`);
  }
  const want = canonicalSignal(body.signal);
  if (got === want) return passed(ctx, `killed by ${want}, as expected${run.timedOut ? ' (at the wall-time limit)' : ''}`);
  const ev = errorNote(ctx);
  return failed(ctx, 'violated', `expected the program to be killed by ${want}; ${howItEnded(ctx)}${ev.text}`, 0, ev.lines);
}

export function evalTimedOut(ctx: Ctx, body: Body<'timed_out'>): CheckOutcome {
  const { run, trace } = ctx;
  if (run.timedOut === body.expected) {
    return passed(ctx, body.expected ? `hit the wall-time limit after ${fmtDuration(run.wallMs)}, as expected` : `finished within the wall-time limit (${fmtDuration(run.wallMs)})`);
  }
  if (body.expected) return failed(ctx, 'violated', `expected the run to hit the wall-time limit; ${howItEnded(ctx)}`);
  const last = trace.length > 0 ? `; its last line was ${cite(trace, trace.length - 1)}` : '; it printed nothing';
  return failed(
    ctx,
    'violated',
    `expected the run to finish within the wall-time limit; ${howItEnded(ctx)}${last}`,
    0,
    trace.length > 0 ? [ref(trace, trace.length - 1, 'context', 'last line before the limit')] : [],
  );
}

export function evalStderrClean(ctx: Ctx, _body: Body<'stderr_clean'>): CheckOutcome {
  const { trace } = ctx;
  const err = trace.map((_, i) => i).filter((i) => trace[i]!.stream === 'stderr');
  if (err.length === 0) return passed(ctx, 'nothing on stderr');
  const lines = err.slice(0, 10).map((i) => ref(trace, i, 'offending', 'printed on stderr'));
  const last = err[err.length - 1]!;
  // Point at the exception line when there is one: it is what to read first.
  const crash = crashOf(ctx.run);
  const key = crash ? crash.index : last;
  if (!lines.some((l) => l.index === key)) lines.push(ref(trace, key, 'offending', crash ? 'the error' : 'last stderr line'));
  else if (crash) lines.find((l) => l.index === key)!.note = 'the error';
  const tail = crash && (err.length > 1 || crash.site) ? `; the error is ${renderError(trace, crash)}` : err.length > 3 ? `; the last is ${cite(trace, last)}` : '';
  return failed(ctx, 'violated', `expected nothing on stderr; it printed ${plural(err.length, 'line')}: ${listLines(ctx, err)}${tail}${warningNote(ctx, err)}`, 0, lines);
}
