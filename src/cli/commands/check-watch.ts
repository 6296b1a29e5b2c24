/**
 * `tracegrade check --watch`: re-check on every save, like `vitest` without arguments. Each
 * run clears the screen (on a TTY), prints the report, then what changed since the last run
 * ("✗→✓ counts-to-nine", the score's delta). Saves are debounced (an editor's save is often
 * several events: write, rename, chmod) and a save during a run queues one more run. Nothing
 * the student writes stops the watcher: a syntax error is a failed run, an invalid spec is its
 * message. q, Ctrl-C or the end of stdin quits; Enter re-runs.
 */

import { watch } from 'chokidar';
import { submissionCredit, type CheckCredit } from '../../score/credit.js';
import type { SubmissionResult } from '../../score/types.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { checkOnce, type CheckTarget } from './check.js';
import { shown } from './validate.js';

const DEBOUNCE_MS = 120;
/** Files a run (or the student's tools) writes that are not edits: watching them would loop. */
const IGNORED = /(^|[\\/])(__pycache__|node_modules|\.git|\.venv|\.mypy_cache|\.pytest_cache)([\\/]|$)|\.py[co]$|~$|\.swp$/;

/** A check's mark as the credit model sees it: earned ✓, skipped ○, cost points ✗. */
const mark = (c: CheckCredit): string => (c.full ? '✓' : c.status === 'skipped' ? '○' : '✗');

/** "Since the last run: ✗→✓ counts-to-nine, ✓→○ says-done; score 6/11 → 8/11 (+2)". */
export function changesSince(before: SubmissionResult | undefined, now: SubmissionResult | undefined): string {
  if (!before || !now) return '';
  const was = new Map(submissionCredit(before).checks.map((c) => [c.id, mark(c)]));
  const flips = submissionCredit(now)
    .checks.filter((c) => was.has(c.id) && was.get(c.id) !== mark(c))
    .map((c) => `${was.get(c.id)}→${mark(c)} ${c.id}`);
  const delta = Math.round((now.score - before.score) * 100) / 100;
  const score = `score ${before.score}/${before.maxScore} → ${now.score}/${now.maxScore}${delta ? ` (${delta > 0 ? '+' : ''}${delta})` : ''}`;
  return `Since the last run: ${flips.length ? flips.join(', ') : 'no check changed'}; ${score}\n`;
}

export async function watchCheck(target: CheckTarget, io: Io): Promise<number> {
  let last: SubmissionResult | undefined;
  let lastCode: number = EXIT.ok;
  let running = false;
  let current: Promise<void> = Promise.resolve();
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let finish!: (_: number) => void;
  const done = new Promise<number>((r) => (finish = r));

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      if (io.stdout.isTTY) io.stdout.write('\x1b[2J\x1b[3J\x1b[H');
      try {
        const r = await checkOnce(target, io);
        lastCode = r.code;
        io.stdout.write(changesSince(last, r.result));
        if (r.result && !r.result.error) last = r.result;
      } catch (err) {
        // An invalid spec (or anything the user can fix) is shown; the watcher carries on.
        lastCode = err instanceof CliError ? err.exitCode : EXIT.internal;
        io.stderr.write(`${err instanceof CliError ? err.message : `internal error: ${(err as Error).message}`}\n`);
      }
    } while (again);
    running = false;
    io.stderr.write(`\nWatching ${shown(io, target.submission)} for changes… (q to quit, Enter to re-run)\n`);
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else current = run();
    }, DEBOUNCE_MS);
  };

  const watcher = watch([target.submission, target.specFile], { ignoreInitial: true, ignored: (p: string) => IGNORED.test(p) });
  watcher.on('all', schedule);
  watcher.on('error', (err) => io.stderr.write(`watch error: ${(err as Error).message}\n`));
  await new Promise<void>((r) => watcher.once('ready', () => r()));

  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  const onKey = (data: Buffer): void => {
    const s = data.toString();
    if (/q|\x03/.test(s)) finish(0);
    else if (/[\r\n]/.test(s)) schedule();
  };
  if (raw) stdin.setRawMode(true);
  stdin.on('data', onKey);
  stdin.once('end', () => finish(0));
  stdin.resume();
  const onSigint = (): void => finish(0);
  process.on('SIGINT', onSigint);

  current = run();
  await done;
  clearTimeout(timer);
  // Quitting mid-run (or stdin at its end, as in CI) waits for that run: its verdict is the exit code.
  await current;
  const code = lastCode;
  process.off('SIGINT', onSigint);
  stdin.off('data', onKey);
  if (raw) stdin.setRawMode(false);
  stdin.pause();
  await watcher.close();
  return code;
}
