/**
 * `run`: one run of a submission, recorded as a timed trace. Lazy: the program starts when the
 * result is awaited, so a Jest matcher given an unstarted run grades the submission itself,
 * under its spec's own settings (files, repeat, limits), exactly as the CLI would.
 */

import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { effectiveSpec, runPlan } from '../batch/grade-one.js';
import { realEngine } from '../batch/engine.js';
import type { GradeOptions } from '../batch/types.js';
import type { Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { specFromObject, toSpec } from './spec.js';

/** How to run a submission: a spec's settings, or settings given here, and the grader's overrides. */
export interface SubmissionRunOptions extends Pick<GradeOptions, 'sandbox' | 'requireSandbox' | 'acceptNoIsolation' | 'clock' | 'interpreter' | 'timeScale'> {
  /** Run with this spec's `run:` settings (a path or a loaded spec). With named runs, see `runName`. */
  spec?: string | Spec;
  /** With a spec that has named runs (`runs:`): which one (default: the first). */
  runName?: string;
  /**
   * Without `spec`: the run settings, written as under `run:` in a spec (`runtime`, `entry`,
   * `args`, `stdin`, `env`, `limits`, `clock`…). The runtime defaults to `node` for a .js/.mjs/.cjs
   * file or a folder with main.js, else `python`.
   */
  settings?: Record<string, unknown>;
  /** Kills the run (the program's whole process tree); the record then ends in an error. */
  signal?: AbortSignal;
}

/** node for JavaScript (a .js file, a folder with main.js but no main.py), python otherwise. */
async function inferRuntime(submission: string): Promise<'python' | 'node'> {
  const ext = extname(submission).toLowerCase();
  if (['.js', '.mjs', '.cjs'].includes(ext)) return 'node';
  if (ext === '.py') return 'python';
  const has = async (name: string) => (await stat(join(submission, name)).catch(() => null))?.isFile() === true;
  return !(await has('main.py')) && (await has('main.js')) ? 'node' : 'python';
}

/** The spec whose settings a run uses: the given one, or one built from `settings` (no checks). */
export async function settingsSpec(submission: string, opts: SubmissionRunOptions): Promise<Spec> {
  if (opts.spec !== undefined) return toSpec(opts.spec);
  const run = { runtime: await inferRuntime(resolve(submission)), ...opts.settings };
  // A spec needs a check; this one is only settings.
  return { ...specFromObject({ name: 'run', run, checks: [{ id: 'settings-only', timed_out: false }] }), checks: [] };
}

/**
 * A run that has not started yet, or its result. Await it (or call `.then`) for the
 * {@link RunRecord}; the program runs once however many times it is awaited.
 */
export class RunPromise implements PromiseLike<RunRecord> {
  #record: Promise<RunRecord> | undefined;

  /** Made by {@link run}. */
  constructor(
    /** The submission: a folder, or a single program file (run as the entry). */
    readonly submission: string,
    /** What {@link run} was given. */
    readonly options: SubmissionRunOptions = {},
  ) {}

  /** Whether the program has been started (the result awaited). */
  get started(): boolean {
    return this.#record !== undefined;
  }

  /** The spec (settings) this run uses, with the grader's overrides applied. */
  async spec(): Promise<Spec> {
    return effectiveSpec(await settingsSpec(this.submission, this.options), this.options);
  }

  /** Start the run (once) and resolve to its record. */
  record(): Promise<RunRecord> {
    this.#record ??= this.start();
    return this.#record;
  }

  private async start(): Promise<RunRecord> {
    const plan = runPlan(await this.spec());
    const step = plan.find((p) => p.name === this.options.runName) ?? plan[0]!;
    if (this.options.runName !== undefined && step.name !== this.options.runName) {
      throw new Error(`the spec has no named run '${this.options.runName}' (it has: ${plan.map((p) => p.name).join(', ') || 'none'})`);
    }
    const o = this.options;
    const made = await realEngine.run({
      spec: step.spec,
      submission: resolve(this.submission),
      runIndex: 0,
      ...(o.sandbox ? { sandbox: o.sandbox } : {}),
      ...(o.requireSandbox ? { requireSandbox: o.requireSandbox } : {}),
      ...(o.acceptNoIsolation ? { acceptNoIsolation: true } : {}),
      ...(o.timeScale !== undefined ? { timeScale: o.timeScale } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return step.name !== undefined ? { name: step.name, ...made } : made;
  }

  /** Start the run (once) and continue with its record, as a promise does. */
  then<A = RunRecord, B = never>(onFulfilled?: ((r: RunRecord) => A | PromiseLike<A>) | null, onRejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.record().then(onFulfilled, onRejected);
  }

  /** Start the run (once) and handle its failure (the spec did not load, the machine cannot run it). */
  catch<B = never>(onRejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<RunRecord | B> {
    return this.record().catch(onRejected);
  }
}

/**
 * Run a submission once and record what it printed, when (a timed trace), and how it ended.
 * Nothing is judged: pass the record to {@link check}, or to a Jest matcher.
 *
 * @param submission - A folder (the entry is `main.py`/`main.js` or the spec's `run.entry`) or one program file.
 * @param options - A spec whose settings to use, or the settings themselves; sandbox and clock overrides.
 * @returns A lazy {@link RunPromise}: the program starts when it is awaited.
 * @throws (when awaited) if the spec cannot be loaded or the machine cannot run it (no python3,
 *   no sandbox); a submission that fails to start gives a record with `error` set instead.
 *
 * @example
 * ```js
 * const record = await run('submissions/coroutine-awaited/reference', { spec: 'specs/coroutine-awaited.yaml', clock: 'virtual' });
 * console.log(record.trace.map((l) => `${l.tMs} ms ${l.text}`));
 * ```
 */
export function run(submission: string, options: SubmissionRunOptions = {}): RunPromise {
  return new RunPromise(submission, options);
}
