/**
 * `unhandled_rejection`: whether a Node run ended by an unhandled promise rejection. The
 * preload (runtime/node/rejection.cjs) prints `Unhandled rejection: <reason>` on stderr and
 * exits 1, as Node would. That line is trusted no more than any printed line: a program can
 * always reject a promise with any message, so a forged line gains it nothing.
 */

import type { CheckBody } from '../spec/types.js';
import type { CheckOutcome } from './types.js';
import { failed, passed, ref, type Ctx } from './common.js';
import { cite } from './format.js';
import { matchesText } from './match.js';
import { howItEnded } from './outcome.js';

type Body = Extract<CheckBody, { kind: 'unhandled_rejection' }>;

export const REJECTION_PREFIX = 'Unhandled rejection: ';

/** The trace index of the rejection line when the run ended by one (exit code 1, no signal), else -1. */
export function rejectionIndex(ctx: Ctx): number {
  const { run, trace } = ctx;
  if (run.exitCode !== 1 || run.signal || run.timedOut) return -1;
  for (let i = trace.length - 1; i >= 0; i--) {
    if (trace[i]!.stream === 'stderr' && trace[i]!.text.startsWith(REJECTION_PREFIX)) return i;
  }
  return -1;
}

export function evalUnhandledRejection(ctx: Ctx, body: Body): CheckOutcome {
  const { run, trace } = ctx;
  const i = rejectionIndex(ctx);
  if (body.mode === 'forbidden') {
    if (i < 0) return passed(ctx, 'no unhandled promise rejection');
    return failed(ctx, 'violated', `expected no unhandled promise rejection; it ended with one: ${cite(trace, i)}`, 0, [ref(trace, i, 'offending', 'the rejection')]);
  }
  if (i < 0) {
    if (body.mode === 'allowed' && run.exitCode === 0 && !run.signal) return passed(ctx, 'exited with code 0 (an unhandled rejection would have been allowed)');
    const what = `an unhandled promise rejection${body.message ? ` matching ${body.message.display}` : ''}`;
    const want = body.mode === 'allowed' ? `exit code 0 or ${what}` : `the program to end with ${what}`;
    return failed(ctx, 'violated', `expected ${want}; ${howItEnded(ctx)}`);
  }
  const message = trace[i]!.text.slice(REJECTION_PREFIX.length);
  if (body.message && !matchesText(body.message, message)) {
    return failed(ctx, 'violated', `expected an unhandled rejection matching ${body.message.display}; it ended with ${cite(trace, i)}`, 0, [ref(trace, i, 'offending', 'the rejection')]);
  }
  return passed(ctx, `ended with an unhandled promise rejection: ${message}`);
}
