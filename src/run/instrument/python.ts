/**
 * In-process instrumentation of a Python child: virtual clock and asyncio task tracing. The
 * Python side lives in runtime/python (a sitecustomize on PYTHONPATH) and writes signed, numbered
 * records to fd 3. The parent serves the channel while the child runs: it owns virtual time
 * (clock.ts), watches the program's threads and processes in /proc (../observe.ts), and after
 * the run cross-checks every record against what it captured and observed (merge.ts).
 */

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSettings } from '../../spec/types.js';
import { ProcObserver } from '../observe.js';
import { ChannelReader } from './channel.js';
import { ParentClock } from './clock.js';
import { mergeChannel } from './merge.js';
import { CHANNEL_FD, type ChannelRecord, type Instrumentation, type RunIo } from './types.js';

const DEFAULT_WALL_MS = 10_000;

/** Absolute path of runtime/python, from src/run/instrument (ts-jest) or dist/run/instrument (built). */
export function runtimePythonDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'runtime', 'python');
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

/** Instrumentation for a Python run; the start marker only when no tracing is needed. */
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
  let io: RunIo | null = null;
  let clock: ParentClock | null = null;
  let observer: ProcObserver | null = null;
  let helloPid: number | undefined;
  let queue: Promise<void> = Promise.resolve();
  const timeProblems: string[] = [];

  const answer = (text: string) => {
    try {
      io?.channel?.write(`${text}\n`);
    } catch {
      /* the child is gone */
    }
  };
  const handle = async (rec: ChannelRecord) => {
    // Under the parent's clock every record carries exactly the time the parent last granted.
    if (clock && virtual && !clock.fellBack && rec.v !== clock.nowUs && timeProblems.length < 3) {
      timeProblems.push(`side-channel record ${rec.n} (${rec.k}) claims virtual time ${rec.v / 1e6} s, but the parent's clock was at ${clock.nowUs / 1e6} s`);
    }
    if (rec.k === 'hello' && typeof rec.pid === 'number') helloPid ??= rec.pid;
    if (rec.k === 'fallback') clock?.fallBack();
    // At each request the program is alive and waiting: a good moment to look (throttled: a
    // virtual run asks many times a second, and each answer is on its critical path).
    if (rec.k === 'end') observer?.sample();
    else if (rec.k === 'jump') observer?.sampleIfDue();
    if (rec.k === 'jump') {
      const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
      const granted = clock ? await clock.jump(n(rec.to), { stdout: n(rec.o), stderr: n(rec.e) }) : 0;
      answer(String(granted));
    } else if (rec.k === 'end') answer('ok');
  };
  const reader = new ChannelReader(key, (rec) => {
    queue = queue.then(() => handle(rec)).catch(() => {});
  });

  return {
    env,
    pythonPath: [runtimePythonDir()],
    wantsChannel: true,
    attach(run) {
      io = run;
      if (virtual) {
        const c = new ParentClock(wallMs * 1000, run.capture);
        clock = c;
        run.capture.onLine = (line) => c.lineArrived(line);
      }
      if (run.pid !== undefined) {
        observer = new ProcObserver(run.pid, () => helloPid);
        observer.start();
      }
    },
    onChannelData: (chunk) => reader.push(chunk),
    finish(record) {
      observer?.stop();
      reader.end(record.signal !== null || record.timedOut);
      return mergeChannel(
        record,
        { records: reader.records, problems: [...reader.problems, ...timeProblems], capped: reader.capped },
        { virtual, wallMs, traceTasks: true, clock: clock ?? undefined, observer: observer ?? undefined },
      );
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
    attach() {},
    onChannelData() {},
    finish: (record) => record,
  };
}
