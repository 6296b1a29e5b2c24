/**
 * Structured evidence: what an evaluator found, before any sentence is written (LLVM
 * FileCheck's FileCheckDiag is the model: a kind, and the lines, times and tasks involved).
 * Evaluators build these; explain/render*.ts turn them into the student's sentences, so every
 * cause is worded once and named from the evidence, never guessed from a symptom.
 */

import type { Site } from '../traceback.js';

/**
 * The exception that stopped (or marred) a run, found once per run (crash.ts): its stderr line
 * in the trace, its text, and the student's own frame that raised it when the traceback shows one.
 */
export interface Crash {
  index: number;
  text: string;
  site?: Site;
}

/** A Python warning on stderr that names the student's file:line ("main.py:5: RuntimeWarning: …"). */
export interface WarningRef {
  index: number;
  category: string;
  site: Site;
}

/** A task as a message names it: "fetch_data (Task-2)". */
export interface TaskRef {
  name: string;
  label: string;
}

/** A unit of work (a user coroutine) and where it ran, in ms. */
export interface UnitRef {
  name: string;
  task: TaskRef;
  fromMs: number;
  toMs?: number;
  /** Its end is unknown (an older tracer's evidence): toMs is not said. */
  inferred?: boolean;
}

/** What one thread printed: its number, how many lines, the first and last text. */
export interface ThreadPrint {
  thread: number;
  count: number;
  first: string;
  last: string;
}

/**
 * Who printed a line, from the tracer's record of it: a unit (a user coroutine on the loop
 * thread, in a task or not), one of the program's threads, the loop thread outside any task and
 * coroutine (plain code, a loop callback), or nobody the tracer saw (no record: os.write, a
 * replaced sys.stdout, another process).
 */
export type LinePrinter =
  | { kind: 'unit'; name: string; task?: TaskRef }
  | { kind: 'thread'; thread: number }
  | { kind: 'loop' }
  | { kind: 'unstepped'; name: string }
  | { kind: 'untraced' };

/** A blocking call or step on the loop thread. */
export interface Block {
  /** The user coroutine that blocked, when known. */
  name?: string;
  detail: string;
  atMs: number;
  durationMs: number;
  /** Where in the submission it was stuck, "main.js:8" (Node): then the sentence is Node's. */
  site?: string;
}

/** Why no asyncio task ran (the run's own evidence). */
export type NoTaskCause =
  | { kind: 'not-run'; error: string }
  | { kind: 'timeout'; wallMs: number; detail?: string; used: string }
  | { kind: 'stopped'; how: string; wallMs: number; extra: string; used: string; error?: Crash }
  | { kind: 'without-loop'; used: string; threads: boolean }
  /** It exited normally, but printed an exception it had caught (or its traceback). */
  | { kind: 'caught'; loopRan: boolean; used: string; error: Crash }
  | { kind: 'no-loop' }
  | { kind: 'silent'; wallMs: number }
  | { kind: 'at-once'; lines: number; spanMs: number }
  | { kind: 'no-task'; loopRan: boolean };

/** Why two units of work did not overlap, or why fewer tasks than expected worked at once. */
export type StructureCause =
  /** The unit never ran, and threads printed lines instead (or nothing printed at all). */
  | { kind: 'never-ran'; name: string; createdAs?: TaskRef; threads: ThreadPrint[] }
  /** The unit ran but printed nothing itself; threads may have printed instead. */
  | { kind: 'silent'; unit: UnitRef; threads: ThreadPrint[] }
  /** main returned while tasks were pending: asyncio.run cancelled them. */
  | { kind: 'main-returned'; main: TaskRef; atMs: number; cancelled: TaskRef[] }
  /** A blocking call kept the loop busy, so the other unit could not run meanwhile. */
  | { kind: 'blocked'; block: Block; by: UnitRef; other: UnitRef; js?: boolean }
  /** One finished before the other started (awaited one after another). */
  | { kind: 'sequential'; first: UnitRef; second: UnitRef; sameTask: boolean; js?: boolean }
  /** Both were in flight, but one never waited on an await while the other ran. */
  | { kind: 'never-suspended'; busy: UnitRef; other: UnitRef }
  /** They never overlapped, and an older tracer's evidence cannot say more (where a coroutine ended). */
  | { kind: 'apart'; a: UnitRef; b: UnitRef };
