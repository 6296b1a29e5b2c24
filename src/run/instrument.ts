/**
 * In-process instrumentation of a Python child: virtual clock and asyncio task tracing
 * (issue 6). The runner asks for it before spawning and hands it what the side channel
 * (fd 3) carried; everything here is owned by the virtual-time module.
 */

import type { RunSettings } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';

export interface Instrumentation {
  /** Variables added to the child's (scrubbed) environment. */
  env: Record<string, string>;
  /** Directories prepended to PYTHONPATH; the sandbox binds them read-only. */
  pythonPath: string[];
  /** Whether the runner must open an extra pipe as the child's fd 3 (the side channel). */
  wantsChannel: boolean;
  /** Bytes read from fd 3, as they arrive. */
  onChannelData(chunk: Buffer): void;
  /** After the child has exited: merge the channel with the parent-captured record. */
  finish(record: RunRecord): RunRecord;
}

/**
 * Instrumentation for a Python run, or null when none is needed.
 * Until the virtual clock lands, a virtual-clock request runs in real time and says so.
 */
export function instrumentPython(settings: RunSettings): Instrumentation | null {
  if (settings.clock !== 'virtual') return null;
  return {
    env: {},
    pythonPath: [],
    wantsChannel: false,
    onChannelData() {},
    finish(record) {
      return { ...record, clock: 'real', clockFallback: 'the virtual clock is not available in this build' };
    },
  };
}
