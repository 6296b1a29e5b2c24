/**
 * Merges what the child's tracer said (the side channel) into the record the parent captured,
 * and cross-checks the two. Pure. The parent's own evidence wins everywhere:
 * - line times are the parent's (real arrival of the line's end, or the parent's virtual clock);
 * - a line record only attributes a captured line (task, coroutine, thread), matched by text and
 *   order per stream; a record that matches no captured line is a forgery;
 * - a missing end record after a normal exit, a badly signed or misnumbered record, a record
 *   dated otherwise than the parent's clock, or more threads in /proc than the tracer reported
 *   make the run `tampered` (score 0, flagged for review).
 */

import type { RunRecord, TaskEvent, TraceLine } from '../../trace/types.js';
import type { ProcObserver } from '../observe.js';
import { parseActivity, parseThreadCounts } from './activity.js';
import type { ParsedChannel } from './channel.js';
import type { ParentClock } from './clock.js';
import { blockEvents } from './loop-blocks.js';
import { applyWitness, matchLines } from './line-records.js';
import type { WitnessOutcome } from './witness.js';

export interface MergeOptions {
  virtual: boolean;
  wallMs: number;
  traceTasks: boolean;
  /** The parent's virtual clock (virtual runs): its stamps are the lines' times. */
  clock?: Pick<ParentClock, 'stampOf' | 'current' | 'hitWall' | 'fellBack'>;
  /** What the parent saw in /proc. */
  observer?: Pick<ProcObserver, 'result'>;
  /** What the parent's reading of the Python stack made of the line records (witness.ts). */
  witness?: WitnessOutcome;
}

const TASK_KINDS = new Set<TaskEvent['kind']>(['created', 'started', 'suspended', 'resumed', 'done', 'cancelled', 'blocking', 'awaited', 'entered', 'left']);

export function mergeChannel(record: RunRecord, parsed: ParsedChannel, opts: MergeOptions): RunRecord {
  const recs = parsed.records;
  const problems = [...parsed.problems];
  const hello = recs.find((r) => r.k === 'hello');
  const out: RunRecord = { ...record, trace: record.trace.map((l) => ({ ...l })) };
  if (!hello) {
    if (opts.virtual) {
      out.clock = 'real';
      const killed = record.timedOut || record.signal !== null;
      out.clockFallback = killed
        ? 'the run was stopped during start-up, before the in-process instrumentation started (no side-channel records): its times are real, from spawn to kill'
        : 'the in-process instrumentation did not start (no side-channel records), so the run used real time';
    }
    if (problems.length) out.tampered = tamperText(problems);
    return out;
  }
  const fallbackRec = recs.find((r) => r.k === 'fallback');
  const endRec = recs.find((r) => r.k === 'end');
  const fallback = typeof fallbackRec?.why === 'string' ? fallbackRec.why : typeof endRec?.fallback === 'string' ? (endRec.fallback as string) : undefined;
  const virtual = opts.virtual && hello.clock === 'virtual';
  const clock = virtual ? opts.clock : undefined;

  const matched = matchLines(out.trace, recs, problems, !parsed.capped && !record.truncated);
  const witness = opts.witness;
  if (witness) applyWitness(out, matched, recs, witness, problems);

  // Real-clock task times: the child's clock → the parent's (smallest observed arrival lag).
  let offsetMs = 0;
  if (!clock) {
    let best = Infinity;
    for (const [i, rec] of matched) best = Math.min(best, out.trace[i]!.tMs - rec.v / 1000);
    if (Number.isFinite(best)) offsetMs = best;
  }
  const toMs = (us: number) => round3(clock ? us / 1000 : us / 1000 + offsetMs);

  out.trace = out.trace.map((l, i) => {
    const line: TraceLine = { ...l };
    if (clock) {
      line.realMs = l.tMs;
      delete line.firstByteMs;
      const st = clock.stampOf(record.trace[i]!);
      line.tMs = st !== undefined ? round3(st / 1000) : i > 0 ? out.trace[i - 1]?.tMs ?? 0 : 0;
    }
    const rec = matched.get(i);
    if (rec) {
      if (typeof rec.task === 'number') line.task = rec.task;
      if (typeof rec.coro === 'string' && rec.coro) line.coro = rec.coro.slice(0, 200);
      if (line.coro !== undefined && Array.isArray(rec.outer)) {
        const outer = (rec.outer as unknown[]).filter((n): n is string => typeof n === 'string' && n !== '').slice(-16).map((n) => n.slice(0, 200));
        if (outer.length > 0) line.outer = outer;
      }
      if (typeof rec.th === 'number' && Number.isInteger(rec.th) && rec.th >= 0) line.thread = rec.th;
      if (line.thread !== undefined && line.thread > 0) delete line.task; // a thread is not a task
    }
    return line;
  });

  if (opts.traceTasks) {
    const events: TaskEvent[] = [];
    for (const rec of recs) {
      if (rec.k !== 'task' || !TASK_KINDS.has(rec.e as TaskEvent['kind']) || typeof rec.id !== 'number') continue;
      const at = typeof rec.at === 'number' ? rec.at : rec.v;
      const ev: TaskEvent = { tMs: toMs(at), kind: rec.e as TaskEvent['kind'], task: rec.id };
      if (typeof rec.name === 'string') ev.name = rec.name;
      if (typeof rec.via === 'string') ev.via = rec.via;
      if (typeof rec.by === 'number') ev.by = rec.by;
      if (typeof rec.detail === 'string') ev.detail = rec.detail;
      if (typeof rec.site === 'string') ev.site = rec.site.slice(0, 300);
      if (typeof rec.d === 'number') ev.durationMs = round3(rec.d / 1000);
      events.push(ev);
    }
    // What the parent saw block the loop itself, where the tracer's own report does not cover it.
    events.push(...blockEvents(witness?.blocks ?? [], events));
    out.tasks = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.tMs - b.e.tMs || a.i - b.i).map((x) => x.e);
    const act = parseActivity(endRec?.act);
    if (act) out.activity = act;
  }

  // What the parent saw itself, and whether the tracer's account covers it.
  // Threads are reported as they start ('thread' records) and counted in the end record, so the
  // comparison holds for a run that never ends too.
  const counts = parseThreadCounts(endRec?.act);
  const announced = recs.filter((r) => r.k === 'thread').length;
  const reported = Math.max(counts?.started ?? 0, announced);
  if (counts && counts.started < announced) {
    problems.push(`the tracer's end record counts ${counts.started} thread${counts.started === 1 ? '' : 's'}, but ${announced} were announced as they started`);
  }
  const observed = opts.observer?.result(counts?.helpers ?? 0) ?? null;
  if (observed) {
    out.observed = observed;
    // Without an end record the tracer's watchdog (one helper thread) is not known: allow it.
    const slack = counts ? 0 : 1;
    if (observed.threads > reported + slack) {
      problems.push(`the parent saw ${observed.threads} thread${observed.threads === 1 ? '' : 's'} besides the main one in /proc; the tracer reported ${reported}`);
    }
  }
  const exitedOnItsOwn = record.end === 'exited' && !record.timedOut && record.signal === null;
  if (!endRec && exitedOnItsOwn && !parsed.capped) problems.push("the program exited on its own but the tracer's end record is missing");

  if (opts.virtual) {
    out.clock = virtual && !fallback ? 'virtual' : 'real';
    if (fallback) out.clockFallback = fallback;
    else if (!virtual) out.clockFallback = 'the child ran with a real clock';
  }
  if (clock) {
    out.realWallMs = record.wallMs;
    out.wallMs = round3(clock.current() / 1000);
    const last = out.trace.length ? Math.max(...out.trace.map((l) => l.tMs)) : 0;
    if (out.wallMs < last) out.wallMs = last;
    // A deadlock or virtual time at the limit: in real time both would have been killed at the
    // wall-time limit, so they are recorded that way. The limit is the parent's call.
    const reason = endRec?.reason;
    if (record.timedOut) stoppedByRealTimer(out, record, opts.wallMs);
    if ((clock.hitWall || reason === 'deadlock' || reason === 'timeout') && !record.timedOut) {
      const limit = opts.wallMs;
      out.timedOut = true;
      out.exitCode = null;
      out.signal = 'SIGTERM';
      out.wallMs = limit;
      const detail = typeof endRec?.detail === 'string' ? endRec.detail : '';
      if (reason === 'deadlock' && !clock.hitWall) {
        out.end = 'deadlock';
        out.endDetail = `${detail} — in real time this program would hang until the ${fmtS(limit)} wall-time limit`;
      } else {
        out.end = 'timeout';
        out.endDetail = `stopped at the ${fmtS(limit)} wall-time limit (virtual time)`;
      }
    }
  }
  if (problems.length) out.tampered = tamperText(problems);
  return out;
}

/**
 * The parent's real-time timer stopped a virtual run: the program ran or blocked for the whole
 * limit without letting virtual time reach it (a busy loop, a call the clock does not cover).
 * In real time it would have been killed at the limit too, so that is its run time, as for a
 * deadlock; the virtual time it reached is said, never passed off as the run's length.
 */
function stoppedByRealTimer(out: RunRecord, record: RunRecord, limitMs: number): void {
  const reached = out.wallMs;
  out.wallMs = Math.max(limitMs, reached);
  const why = `virtual time stood at ${fmtS(reached)}: the program computed or blocked without waiting, so in real time too it would have run into the limit`;
  const d = record.endDetail ?? '';
  const cut = d.indexOf('; ');
  out.endDetail = !d ? why : cut < 0 ? `${d} (${why})` : `${d.slice(0, cut)} (${why})${d.slice(cut)}`;
}

/** The reason shown to instructors: the first few problems, one sentence. */
function tamperText(problems: string[]): string {
  const uniq = [...new Set(problems)];
  const shown = uniq.slice(0, 3).join('; ');
  return uniq.length > 3 ? `${shown}; and ${uniq.length - 3} more` : shown;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmtS(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
