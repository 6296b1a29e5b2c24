/**
 * The spec model: what a loaded, validated spec means, independent of how it was written.
 * `spec/load` turns YAML into this; `check` and `score` consume it. All durations are in
 * milliseconds, already multiplied by nothing: `timing.scale` is applied by the evaluators.
 */

import type { ExprOf } from './expr.js';

/** Where something stands in a spec file (1-based), for error messages and CI annotations. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

export type StreamChoice = 'stdout' | 'stderr' | 'any';

/** Which matches of a selector a check is about. A number is the 1-based nth match. */
export type Occurrence = 'first' | 'last' | 'every' | number;

/** A line selector: which trace lines a check is about. */
export interface LineSelector {
  /** text: the whole line equals `pattern` (trailing whitespace ignored); contains: substring; regex: search. */
  kind: 'text' | 'contains' | 'regex';
  pattern: string;
  /** Regex flags (kind 'regex'), e.g. "i". */
  flags?: string;
  ignoreCase?: boolean;
  stream: StreamChoice;
  occurrence: Occurrence;
  /** The alias name when the check referred to it as `$name`. */
  alias?: string;
  /**
   * `by:` — only lines the task tracer attributes to this coroutine (printed on the loop thread
   * inside it, or inside a task whose own coroutine it is; never a thread's, an untraced write's
   * or another process's line). Python only: a spec using it turns the task tracer on.
   */
  by?: string;
  /** How to show the selector to a person: `'done fetching'`, `/^\d$/`, `$number`. */
  display: string;
}

/** Tolerance around an expected duration: absolute ms, or relative (0.1 = 10 %). */
export interface Tolerance {
  ms?: number;
  relative?: number;
}

/** Dwyer-style scope: the check looks only at lines after the first `after` match and before the first following `before` match. */
export interface Scope {
  after?: LineSelector;
  before?: LineSelector;
}

/** An arithmetic expression over captured values and measured times (spec/expr.ts), in seconds for times. */
export type Expr = ExprOf<LineSelector>;

/** A comparison target for captured values: a constant, another capture, the measured runtime, or an expression. */
export type ValueRef =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'capture'; line: LineSelector; group: number | string }
  | { kind: 'runtime' }
  | { kind: 'expr'; expr: Expr; text: string };

/** Time bounds written as expressions (seconds), resolved against the run when the check is evaluated. */
export interface BoundExprs {
  about?: ValueRef & { kind: 'expr' };
  atLeast?: ValueRef & { kind: 'expr' };
  atMost?: ValueRef & { kind: 'expr' };
}

export type CheckBody =
  | { kind: 'exists'; line: LineSelector; scope?: Scope }
  | { kind: 'absent'; line: LineSelector; scope?: Scope }
  | { kind: 'count'; line: LineSelector; exactly?: number; atLeast?: number; atMost?: number; scope?: Scope }
  | { kind: 'first'; line: LineSelector }
  | { kind: 'last'; line: LineSelector }
  /** In order, each search starting after the previous match (FileCheck CHECK); strict = consecutive lines (CHECK-NEXT). */
  | { kind: 'order'; lines: LineSelector[]; strict: boolean; scope?: Scope }
  /** All present, in any order (CHECK-DAG). */
  | { kind: 'group'; lines: LineSelector[]; scope?: Scope }
  /** The line at `atMs` ± tolerance, measured from run start or from the `from` line. */
  | { kind: 'at'; line: LineSelector; atMs: number; tolerance: Tolerance; from?: LineSelector }
  /** Time from one line to another: about / at least / at most. */
  | {
      kind: 'delay';
      from: LineSelector;
      to: LineSelector;
      aboutMs?: number;
      atLeastMs?: number;
      atMostMs?: number;
      tolerance: Tolerance;
      exprs?: BoundExprs;
    }
  /** Consecutive matches of `line` are `periodMs` ± tolerance apart (bounded recurrence). */
  | { kind: 'every'; line: LineSelector; periodMs: number; tolerance: Tolerance; vacuous?: boolean }
  /** Total wall time (virtual time under a virtual clock). */
  /** `from: process_start` adds the interpreter's start-up (RunRecord.startupMs) to the program's time. */
  | { kind: 'runtime'; aboutMs?: number; atLeastMs?: number; atMostMs?: number; tolerance: Tolerance; from?: 'process_start'; exprs?: BoundExprs }
  /** Numbers (or a list of numbers) captured from a line by regex, and assertions on them. */
  | {
      kind: 'value';
      line: LineSelector;
      group: number | string;
      list: boolean;
      equals?: ValueRef;
      atLeast?: ValueRef;
      atMost?: ValueRef;
      about?: ValueRef;
      tolerance: Tolerance;
      ascending?: boolean;
      descending?: boolean;
      items?: number;
      eachAtMost?: number;
      eachAtLeast?: number;
      /** Read the value only from lines in this scope (the targets it is compared with are read from the whole trace). */
      scope?: Scope;
    }
  | { kind: 'exit_code'; code: number }
  | { kind: 'signal'; signal: string | null }
  | { kind: 'timed_out'; expected: boolean }
  | { kind: 'stderr_clean' }
  /** Node: the run ended by an unhandled promise rejection (required), may have (allowed: or exited 0), or did not (forbidden). */
  | { kind: 'unhandled_rejection'; mode: 'required' | 'allowed' | 'forbidden'; message?: LineSelector }
  /** Structure of the asyncio tasks or Node async calls (needs the task tracer; issues 6, 16). */
  | { kind: 'tasks'; rule: TaskRule }
  /** Compound: every part must hold (`all`), or at least one (`any`). Parts are constructs with their modifiers. */
  | { kind: 'all' | 'any'; parts: CheckBody[] };

/** A body and every body nested in it (compound parts), depth first. */
export function* bodiesOf(body: CheckBody): Generator<CheckBody> {
  yield body;
  if (body.kind === 'all' || body.kind === 'any') for (const p of body.parts) yield* bodiesOf(p);
}

export type TaskRule =
  | { kind: 'concurrent'; atLeast: number }
  | { kind: 'overlap'; names: string[] }
  | { kind: 'awaited'; name: string }
  | { kind: 'created_with'; name?: string; via: string }
  | { kind: 'max_blocking'; ms: number }
  | { kind: 'uses_asyncio' };

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';

export interface Check {
  id: string;
  title: string;
  points: number;
  hint?: string;
  visibility: Visibility;
  requires: string[];
  /** Award points in proportion to how much of the check holds (e.g. 7 of 10 gaps in time). */
  partial: boolean;
  body: CheckBody;
  loc?: SourceLoc;
  /** The named run (`runs:`) whose record the check looks at; set on every check of a spec with `runs:`. */
  run?: string;
}

/** One of a spec's named runs (`runs:`): its settings, inherited from `run:` where not given. */
export interface NamedRun {
  name: string;
  run: RunSettings;
}

export type RuntimeKind = 'python' | 'node' | 'command';

export interface Limits {
  wallMs: number;
  cpuMs: number;
  memoryBytes: number;
  processes: number;
  outputBytes: number;
  fileSizeBytes: number;
  openFiles: number;
}

export interface RunSettings {
  runtime: RuntimeKind;
  /** Entry file relative to the work dir (python/node). */
  entry?: string;
  args: string[];
  /** argv for runtime 'command' ({entry} is replaced by the entry path). */
  command?: string[];
  /** Interpreter pin: an absolute path, or a version prefix like "3.12". */
  interpreter?: string;
  stdin?: string;
  /** runtime node: extra Node flags before the entry (`run.node_flags`). */
  nodeFlags?: string[];
  /** runtime node: `loose` loads runtime/node/loose (extensionless imports, mixed CJS/ESM folders). */
  nodeResolve?: 'strict' | 'loose';
  env: Record<string, string>;
  /** Instructor files, as absolute paths, copied beside the submission (instructor wins on a clash). */
  files: string[];
  limits: Partial<Limits>;
  clock: 'real' | 'virtual';
  /** Trace tasks (Python asyncio, Node async calls) under either clock: set by the loader when the spec has `tasks` checks or `by:`. */
  traceTasks?: boolean;
  seed?: number;
  repeat: number;
  policy: 'all' | 'majority' | 'best';
}

export interface Spec {
  /** Short id, from `name:` or the file name. */
  name: string;
  title: string;
  description?: string;
  /** Absolute path of the spec file (for relative paths and annotations); '' for in-memory specs. */
  file: string;
  /** The run, or with `runs:` the settings every named run inherits (not run by itself). */
  run: RunSettings;
  /** Named runs (`runs:`), in the order written: each submission is run once per named run (× repeat). */
  runs?: NamedRun[];
  timing: { tolerance: Tolerance; scale: number };
  /** Declared aliases, by name. */
  aliases: Record<string, LineSelector>;
  checks: Check[];
}

/** A problem found while loading a spec, positioned at the offending YAML node (1-based; 0 = whole file). */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** What is wrong, in plain words. */
  message: string;
  /** How to fix it, when we can tell. */
  hint?: string;
  severity: 'error' | 'warning';
}

/** What loading a spec yields: the normalized spec when there is no error, and every problem found. */
export interface LoadResult {
  spec?: Spec;
  diagnostics: Diagnostic[];
}
