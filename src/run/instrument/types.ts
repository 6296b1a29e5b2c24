/** What the runner and an instrumentation exchange (Python tracer, Node start marker). */

import type { Duplex } from 'node:stream';
import type { RunRecord } from '../../trace/types.js';
import type { TraceCapture } from '../capture.js';

/** The live run, handed to the instrumentation once the child is spawned. */
export interface RunIo {
  /** The child's fd 3: a socket pair, so the parent can answer requests (virtual-clock jumps). */
  channel: Duplex | null;
  /** The parent's own capture of stdout/stderr (line counts, each line as it completes). */
  capture: TraceCapture;
  /** Pid of the spawned process (the sandbox wrapper or the program), for /proc observation. */
  pid?: number;
}

export interface Instrumentation {
  /** Variables added to the child's (scrubbed) environment. */
  env: Record<string, string>;
  /** Directories prepended to PYTHONPATH; the sandbox binds them read-only. */
  pythonPath: string[];
  /** A Node preload (`node --require dir/file`); the sandbox binds `dir` read-only. */
  nodePreload?: { dir: string; file: string };
  /** Whether the runner must open an extra pipe as the child's fd 3 (the side channel). */
  wantsChannel: boolean;
  /** The child was spawned: start serving the channel, observing, stamping. */
  attach(io: RunIo): void;
  /** Bytes read from fd 3, as they arrive. */
  onChannelData(chunk: Buffer): void;
  /** After the child has exited: merge the channel with the parent-captured record. */
  finish(record: RunRecord): RunRecord;
}

/** One accepted record from the child (fields as the Python side writes them). */
export interface ChannelRecord {
  n: number;
  /** hello | line | task | jump | fallback | end */
  k: string;
  /** Virtual µs (virtual clock) or the child's real µs since its start (real clock). */
  v: number;
  /** The child's real µs since its start. */
  r: number;
  [field: string]: unknown;
}

/** The fd the child finds the side channel on (the runner's stdio[3]). */
export const CHANNEL_FD = 3;
