/**
 * Errors the CLI turns into exit codes. Anything else that escapes a command is a bug in
 * tracegrade (exit 3): one line and where to report it, the stack only with TRACEGRADE_DEBUG=1.
 */

export const EXIT = {
  ok: 0,
  /** `check`: a visible check did not pass. */
  checksFailed: 1,
  /** `grade`: a --fail-under / --fail-under-mean threshold was not met (same code as Jest's coverage gate). */
  belowThreshold: 1,
  /** Bad usage, an invalid spec, or a setup that cannot do what was asked (no python3, sandbox unmet). */
  usage: 2,
  internal: 3,
  /** Grading finished, but some results or reports could not be written (full disk…): each is named on stderr. */
  writeFailed: 4,
  /** Interrupted by Ctrl-C (the shell convention, 128 + SIGINT). */
  interrupted: 130,
} as const;

/** A problem the user can fix: printed as `tracegrade <command>: <message>` plus an optional hint. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
