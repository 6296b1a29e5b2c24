/**
 * Interrupting a batch. Ctrl-C (SIGINT) stops starting submissions and lets the runs in flight
 * finish; SIGTERM (a cancelled CI job, which is killed for good seconds later) also kills the
 * runs in flight — their temp folders are removed by the runner as each run ends — so the
 * results already graded are stored and reported in time. A second signal quits at once.
 */

import { EXIT } from './errors.js';
import type { Io } from './io.js';

export const EXIT_SIGTERM = 143; // 128 + 15, the shell convention

export interface Interrupts {
  /** Stop starting new submissions (SIGINT or SIGTERM). */
  stop: AbortSignal;
  /** Kill the runs in flight (SIGTERM). */
  cancel: AbortSignal;
  /** The exit status the signal asks for, once one arrived. */
  exitCode(): number | undefined;
  dispose(): void;
}

export function watchInterrupts(io: Io): Interrupts {
  const stop = new AbortController();
  const cancel = new AbortController();
  let code: number | undefined;
  const onSigint = (): void => {
    if (stop.signal.aborted) process.exit(code ?? EXIT.interrupted);
    code = EXIT.interrupted;
    io.stderr.write('\ninterrupted: finishing the runs in flight (Ctrl-C again to quit now)…\n');
    stop.abort();
  };
  const onSigterm = (): void => {
    if (cancel.signal.aborted) process.exit(EXIT_SIGTERM);
    code = EXIT_SIGTERM;
    io.stderr.write('\nterminated (SIGTERM): killing the runs in flight; keeping and reporting what finished…\n');
    stop.abort();
    cancel.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    stop: stop.signal,
    cancel: cancel.signal,
    exitCode: () => code,
    dispose() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/** One run (`check`): SIGINT or SIGTERM kills it at once; `exitCode()` says which arrived. */
export function cancelOnSignals(): { cancel: AbortSignal; exitCode(): number | undefined; dispose(): void } {
  const ac = new AbortController();
  let code: number | undefined;
  const on = (c: number) => () => {
    if (ac.signal.aborted) process.exit(c);
    code = c;
    ac.abort();
  };
  const onInt = on(EXIT.interrupted);
  const onTerm = on(EXIT_SIGTERM);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    cancel: ac.signal,
    exitCode: () => code,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
