/**
 * In-process instrumentation of a Python child: virtual clock and asyncio task tracing
 * (issue 6). The runner asks for it before spawning and hands it what the side channel
 * (fd 3) carried; everything here is owned by the virtual-time module.
 *
 * The Python side lives in runtime/python (a sitecustomize on PYTHONPATH). It writes one
 * signed, numbered JSON record per line to fd 3. Nothing it says is taken on trust: every
 * line record is matched, by content and order, against the stdout/stderr the parent
 * captured itself, and records that do not match (or are badly signed, out of order, or
 * move time backwards) are ignored.
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSettings } from '../spec/types.js';
import type { ProgramActivity, RunRecord, TaskEvent, TraceLine } from '../trace/types.js';

export interface Instrumentation {
  /** Variables added to the child's (scrubbed) environment. */
  env: Record<string, string>;
  /** Directories prepended to PYTHONPATH; the sandbox binds them read-only. */
  pythonPath: string[];
  /** A Node preload (`node --require dir/file`); the sandbox binds `dir` read-only. */
  nodePreload?: { dir: string; file: string };
  /** Whether the runner must open an extra pipe as the child's fd 3 (the side channel). */
  wantsChannel: boolean;
  /** Bytes read from fd 3, as they arrive. */
  onChannelData(chunk: Buffer): void;
  /** After the child has exited: merge the channel with the parent-captured record. */
  finish(record: RunRecord): RunRecord;
}

/** The fd the child finds the side channel on (the runner's stdio[3]). */
export const CHANNEL_FD = 3;
const DEFAULT_WALL_MS = 10_000;
/** How far ahead in the captured trace a line record may find its line (output the tap missed). */
const MATCH_LOOKAHEAD = 2000;
/** Channel bytes kept per run: an output flood must not exhaust the harness's memory. */
export const CHANNEL_MAX_BYTES = 64 * 1024 * 1024;

/** Absolute path of runtime/python, from src/run (ts-jest) or dist/run (built). */
export function runtimePythonDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'runtime', 'python');
}

/** Absolute path of runtime/node (the start-marker preload), from src/run or dist/run. */
export function runtimeNodeDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'runtime', 'node');
}

/**
 * A Node run's instrumentation: only the start marker. A preload (runtime/node/start.cjs) sends
 * one line on fd 3 just before the entry runs (the runner counts times from its arrival), closes
 * the channel and deletes its variable; nothing is patched. The program's process.execArgv shows
 * the --require (harmless: a fork()ed child loads it too and, without the variable, does nothing).
 */
export function instrumentNode(): Instrumentation {
  return {
    env: { TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD) },
    pythonPath: [],
    nodePreload: { dir: runtimeNodeDir(), file: 'start.cjs' },
    wantsChannel: true,
    onChannelData() {},
    finish: (record) => record,
  };
}

/** Whether a run needs the Python instrumentation at all. */
export function wantsInstrumentation(settings: RunSettings): boolean {
  return settings.runtime === 'python' && (settings.clock === 'virtual' || !!settings.traceTasks || settings.seed !== undefined);
}

export interface InstrumentOptions {
  /** The wall-time limit actually in force (after CLI overrides and time scale); default: the spec's, else 10 s. */
  wallMs?: number;
  /** Channel signing key; by default a fresh random key per run (injectable for tests). */
  key?: string;
}

/**
 * Instrumentation for a Python run, or null when none is needed (real clock, no task checks,
 * no seed).
 */
export function instrumentPython(settings: RunSettings, opts: InstrumentOptions = {}): Instrumentation | null {
  if (settings.runtime !== 'python') return null;
  if (!wantsInstrumentation(settings)) return startMarker();
  const virtual = settings.clock === 'virtual';
  const key = opts.key ?? randomBytes(16).toString('hex');
  const wallMs = opts.wallMs ?? settings.limits?.wallMs ?? DEFAULT_WALL_MS;
  const env: Record<string, string> = {
    TRACEGRADE_CLOCK: virtual ? 'virtual' : 'real',
    TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD),
    TRACEGRADE_KEY: key,
    TRACEGRADE_WALL_MS: String(wallMs),
  };
  if (settings.seed !== undefined) {
    env.TRACEGRADE_SEED = String(settings.seed);
    // Set iteration order too (str hashes): a seeded run replays exactly.
    env.PYTHONHASHSEED = String(Math.abs(Math.trunc(settings.seed)) % 4294967296);
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  return {
    env,
    pythonPath: [runtimePythonDir()],
    wantsChannel: true,
    onChannelData(chunk) {
      // Past the cap, records are dropped: lines without one keep the time of the line before.
      if (kept >= CHANNEL_MAX_BYTES) return;
      const c = Buffer.from(chunk.subarray(0, CHANNEL_MAX_BYTES - kept));
      kept += c.length;
      chunks.push(c);
    },
    finish(record) {
      const parsed = parseChannel(Buffer.concat(chunks), key);
      return mergeChannel(record, parsed, { virtual, wallMs, traceTasks: true });
    },
  };
}

/**
 * The lightest instrumentation: the bootstrap only sends one record when the program's own code
 * begins (the runner counts times from its arrival), closes the channel and patches nothing.
 */
function startMarker(): Instrumentation {
  return {
    env: { TRACEGRADE_CLOCK: 'start', TRACEGRADE_CHANNEL_FD: String(CHANNEL_FD), TRACEGRADE_KEY: randomBytes(16).toString('hex') },
    pythonPath: [runtimePythonDir()],
    wantsChannel: true,
    onChannelData() {},
    finish: (record) => record,
  };
}

// ---- the channel ----------------------------------------------------------------------

/** One accepted record from the child (fields as the Python side writes them). */
export interface ChannelRecord {
  n: number;
  /** hello | line | task | fallback | end */
  k: string;
  /** Virtual µs (virtual clock) or the child's real µs since its start (real clock). */
  v: number;
  /** The child's real µs since its start. */
  r: number;
  [field: string]: unknown;
}

export interface ParsedChannel {
  records: ChannelRecord[];
  /** Lines ignored: bad signature, not JSON, numbered out of order. */
  rejected: number;
}

/** Parses and authenticates the channel's bytes. Pure. */
export function parseChannel(data: Buffer, key: string): ParsedChannel {
  const records: ChannelRecord[] = [];
  let rejected = 0;
  let lastN = -1;
  const k = Buffer.from(key, 'utf8');
  let start = 0;
  while (start < data.length) {
    let nl = data.indexOf(0x0a, start);
    if (nl === -1) nl = data.length;
    const line = data.subarray(start, nl);
    start = nl + 1;
    if (line.length === 0) continue;
    const tab = line.lastIndexOf(0x09);
    if (tab < 0) {
      rejected++;
      continue;
    }
    const body = line.subarray(0, tab);
    const sig = line.subarray(tab + 1).toString('latin1');
    const want = createHmac('sha256', k).update(body).digest('hex').slice(0, 32);
    if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) {
      rejected++;
      continue;
    }
    let rec: ChannelRecord;
    try {
      rec = JSON.parse(body.toString('utf8')) as ChannelRecord;
    } catch {
      rejected++;
      continue;
    }
    if (!rec || typeof rec !== 'object' || typeof rec.n !== 'number' || typeof rec.k !== 'string' || typeof rec.v !== 'number' || rec.n <= lastN) {
      rejected++;
      continue;
    }
    lastN = rec.n;
    records.push(rec);
  }
  return { records, rejected };
}

export interface MergeOptions {
  virtual: boolean;
  wallMs: number;
  traceTasks: boolean;
}

const TASK_KINDS = new Set<TaskEvent['kind']>(['created', 'started', 'suspended', 'resumed', 'done', 'cancelled', 'blocking', 'awaited']);

function normText(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/**
 * Merges the child's records into the parent's record. Pure.
 * - Line records are matched against the captured trace, per stream, in order; unmatched ones
 *   are ignored, and virtual times must never go backwards.
 * - Virtual clock: matched lines take the virtual time (the arrival time moves to realMs);
 *   lines the tracer did not see (os.write…) take the time of the line before them.
 * - Task events are kept (real clock: shifted onto the parent's timeline).
 */
export function mergeChannel(record: RunRecord, parsed: ParsedChannel, opts: MergeOptions): RunRecord {
  const recs = parsed.records;
  const hello = recs.find((r) => r.k === 'hello');
  const out: RunRecord = { ...record, trace: record.trace.map((l) => ({ ...l })) };
  if (!hello) {
    if (opts.virtual) {
      out.clock = 'real';
      out.clockFallback = 'the in-process instrumentation did not start (no side-channel records), so the run used real time';
    }
    return out;
  }
  const fallbackRec = recs.find((r) => r.k === 'fallback');
  const endRec = recs.find((r) => r.k === 'end');
  const fallback = typeof fallbackRec?.why === 'string' ? fallbackRec.why : typeof endRec?.fallback === 'string' ? (endRec.fallback as string) : undefined;
  const virtual = opts.virtual && hello.clock === 'virtual' && !fallback;

  // Match line records to captured lines.
  const byStream: Record<string, number[]> = { stdout: [], stderr: [] };
  out.trace.forEach((l, i) => byStream[l.stream]?.push(i));
  const pos: Record<string, number> = { stdout: 0, stderr: 0 };
  const matched = new Map<number, ChannelRecord>();
  let lastV = -Infinity;
  for (const rec of recs) {
    if (rec.k !== 'line') continue;
    const s = rec.s;
    const text = typeof rec.x === 'string' ? normText(rec.x) : null;
    if ((s !== 'stdout' && s !== 'stderr') || text === null || rec.v < lastV) continue;
    const idx = byStream[s]!;
    const limit = Math.min(idx.length, pos[s]! + MATCH_LOOKAHEAD);
    for (let j = pos[s]!; j < limit; j++) {
      if (out.trace[idx[j]!]!.text === text) {
        matched.set(idx[j]!, rec);
        pos[s] = j + 1;
        lastV = rec.v;
        break;
      }
    }
  }

  // Real-clock task times: the child's clock → the parent's (smallest observed arrival lag).
  let offsetMs = 0;
  if (!virtual) {
    let best = Infinity;
    for (const [i, rec] of matched) best = Math.min(best, out.trace[i]!.tMs - rec.v / 1000);
    if (Number.isFinite(best)) offsetMs = best;
  }
  const toMs = (us: number) => round3(virtual ? us / 1000 : us / 1000 + offsetMs);

  if (virtual) {
    let carry = 0;
    out.trace = out.trace.map((l, i) => {
      const rec = matched.get(i);
      const line: TraceLine = { ...l, realMs: l.tMs };
      if (rec) {
        carry = toMs(rec.v);
        line.tMs = carry;
      } else {
        line.tMs = carry;
      }
      if (rec && typeof rec.task === 'number') line.task = rec.task;
      return line;
    });
  } else {
    for (const [i, rec] of matched) if (typeof rec.task === 'number') out.trace[i]!.task = rec.task;
  }

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
      if (typeof rec.d === 'number') ev.durationMs = round3(rec.d / 1000);
      events.push(ev);
    }
    out.tasks = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.tMs - b.e.tMs || a.i - b.i).map((x) => x.e);
    const act = parseActivity(endRec?.act);
    if (act) out.activity = act;
  }

  if (opts.virtual) {
    out.clock = virtual ? 'virtual' : 'real';
    if (fallback) out.clockFallback = fallback;
    else if (hello.clock !== 'virtual') out.clockFallback = 'the child ran with a real clock';
  }
  if (virtual) {
    out.realWallMs = record.wallMs;
    if (endRec) out.wallMs = toMs(endRec.v);
    else if (out.trace.length) out.wallMs = Math.max(...out.trace.map((l) => l.tMs));
    // Ended on its own terms in virtual time: a deadlock or virtual time past the limit. In real
    // time both would have been killed at the wall-time limit, so they are recorded that way.
    if (endRec && (endRec.reason === 'deadlock' || endRec.reason === 'timeout') && !record.timedOut) {
      const limit = opts.wallMs;
      out.timedOut = true;
      out.exitCode = null;
      out.signal = 'SIGTERM';
      out.wallMs = limit;
      const detail = typeof endRec.detail === 'string' ? endRec.detail : '';
      if (endRec.reason === 'deadlock') {
        out.end = 'deadlock';
        out.endDetail = `${detail} — in real time this program would hang until the ${fmtS(limit)} wall-time limit`;
      } else {
        out.end = 'timeout';
        out.endDetail = `stopped at the ${fmtS(limit)} wall-time limit (virtual time)`;
      }
    }
  }
  return out;
}

/** The end record's activity summary, validated field by field (the child is not trusted); null when unusable. */
export function parseActivity(raw: unknown): ProgramActivity | null {
  if (!raw || typeof raw !== 'object') return null;
  const a = raw as Record<string, unknown>;
  const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null);
  const threads = count(a.threads);
  const sleeps = count(a.sleeps);
  const sleptUs = count(a.sleptUs);
  if (typeof a.asyncio !== 'boolean' || typeof a.loopRan !== 'boolean' || threads === null || sleeps === null || sleptUs === null) return null;
  const names = Array.isArray(a.threadNames) ? a.threadNames.filter((n): n is string => typeof n === 'string').slice(0, 8).map((n) => n.slice(0, 60)) : [];
  return { asyncio: a.asyncio, loopRan: a.loopRan, threads, threadNames: names, sleeps, sleptMs: round3(sleptUs / 1000) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmtS(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
