/** The end record's summary of what the program did besides asyncio tasks. */

import type { ProgramActivity } from '../../trace/types.js';

export interface ThreadCounts {
  /** Threads started besides the tracer's own (executor workers included). */
  started: number;
  /** The tracer's own threads (the clock's watchdog). */
  helpers: number;
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null);

/** The end record's activity summary, validated field by field (the child is not trusted); null when unusable. */
export function parseActivity(raw: unknown): ProgramActivity | null {
  if (!raw || typeof raw !== 'object') return null;
  const a = raw as Record<string, unknown>;
  const threads = count(a.threads);
  const sleeps = count(a.sleeps);
  const sleptUs = count(a.sleptUs);
  if (typeof a.asyncio !== 'boolean' || typeof a.loopRan !== 'boolean' || threads === null || sleeps === null || sleptUs === null) return null;
  const names = Array.isArray(a.threadNames) ? a.threadNames.filter((n): n is string => typeof n === 'string').slice(0, 8).map((n) => n.slice(0, 60)) : [];
  return { asyncio: a.asyncio, loopRan: a.loopRan, threads, threadNames: names, sleeps, sleptMs: Math.round(sleptUs) / 1000 };
}

/** The thread counts the tracer reported, for the cross-check with /proc; null when absent. */
export function parseThreadCounts(raw: unknown): ThreadCounts | null {
  if (!raw || typeof raw !== 'object') return null;
  const a = raw as Record<string, unknown>;
  const started = count(a.started);
  const helpers = count(a.helpers);
  return started === null || helpers === null ? null : { started, helpers };
}
