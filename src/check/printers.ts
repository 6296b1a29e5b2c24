/**
 * Who printed each line of a run, for `by:` selectors: built once per run from the tracer's
 * records (the task model is shared with the `tasks` checks) and looked up by line, so every
 * matcher (`matches`, `findAll`…) honours `by:` without a run in hand. A line without an
 * attribution (no run registered, no tracer) is nobody's work: a `by:` selector never matches it.
 */

import type { Spec } from '../spec/types.js';
import type { RunRecord, TraceLine } from '../trace/types.js';
import type { LinePrinter } from './explain/evidence.js';
import { lineUnits, linePrinter } from './tasks/lines.js';
import { buildModel, type Model } from './tasks/model.js';

const models = new WeakMap<RunRecord, Model>();

/** The run's task model (empty without a task trace), built once per run. */
export function modelOf(run: RunRecord): Model {
  let m = models.get(run);
  if (!m) models.set(run, (m = buildModel(run.tasks ?? [])));
  return m;
}

interface Attribution {
  run: RunRecord;
  names: string[];
  trace: TraceLine[];
  model: Model;
}

const byLine = new WeakMap<TraceLine, Attribution>();

/** Attribute every line of the run (once: again only if its lines were last attributed for another run). */
export function attributeLines(run: RunRecord): void {
  const first = run.trace?.[0];
  if (!first || byLine.get(first)?.run === run) return;
  const model = modelOf(run);
  lineUnits(run.trace, model).forEach((names, i) => byLine.set(run.trace[i]!, { run, names, trace: run.trace, model }));
}

/** Whether the line is the work of coroutine `name` (see printedBy). */
export function printedByName(line: TraceLine, name: string): boolean {
  return byLine.get(line)?.names.includes(name) ?? false;
}

/** Who printed the line, as the evidence shows it. */
export function printerOf(line: TraceLine): LinePrinter {
  const a = byLine.get(line);
  if (!a) return line.thread !== undefined && line.thread >= 1 ? { kind: 'thread', thread: line.thread } : { kind: 'untraced' };
  return linePrinter(line, a.names, a.model);
}

const specUses = new WeakMap<Spec, boolean>();

/** Whether any selector of the spec (aliases included) has `by:`: only then are lines attributed. */
export function usesBy(spec: Spec): boolean {
  let v = specUses.get(spec);
  if (v === undefined) {
    const walk = (o: unknown): boolean =>
      Array.isArray(o)
        ? o.some(walk)
        : typeof o === 'object' && o !== null
          ? (typeof (o as { by?: unknown }).by === 'string' && typeof (o as { pattern?: unknown }).pattern === 'string') || Object.values(o).some(walk)
          : false;
    v = walk(spec.aliases) || walk(spec.checks);
    specUses.set(spec, v);
  }
  return v;
}
