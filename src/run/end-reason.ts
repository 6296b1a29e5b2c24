/** Why a run ended, in one line that names the limit and what the program said about it. */

import type { Limits } from '../spec/types.js';
import type { RunEndReason, Stream } from '../trace/types.js';
import { raiseHint } from '../trace/limit-hint.js';
import { formatBytes, formatMs } from './limits.js';
import type { LaunchPlan } from './sandbox/index.js';

const MEMORY_PATTERNS: [RegExp, string][] = [
  [/\bMemoryError\b/, 'MemoryError'],
  [/JavaScript heap out of memory|Reached heap limit/, 'JavaScript heap out of memory'],
  [/Cannot allocate memory|std::bad_alloc|out of memory/i, 'out of memory'],
];

export function explainEnd(input: {
  killReason: RunEndReason | null;
  exitCode: number | null;
  signal: string | null;
  limits: Limits;
  plan: Pick<LaunchPlan, 'applied' | 'level'>;
  trace: { stream: Stream; text: string }[];
  stats: { cpuMs?: number; pidsLimitHits?: number; oomKills?: number };
}): { end: RunEndReason; endDetail: string } {
  const { killReason, exitCode, signal, limits, plan, trace, stats } = input;
  const suffix: string[] = [];
  if (stats.pidsLimitHits) suffix.push(`the process limit (${limits.processes}) refused ${stats.pidsLimitHits} fork${stats.pidsLimitHits === 1 ? '' : 's'} (${raiseHint('processes')})`);
  const stderrTail = trace.filter((l) => l.stream === 'stderr').slice(-20).map((l) => l.text).join('\n');
  if (/File too large/.test(stderrTail)) suffix.push(`the file-size limit (${formatBytes(limits.fileSizeBytes)}) was reached (${raiseHint('file_size')})`);
  if (/No space left on device/.test(stderrTail)) suffix.push('the work dir is full (no space left on device)');
  const withSuffix = (s: string) => (suffix.length ? `${s}; ${suffix.join('; ')}` : s);

  if (killReason === 'error') return { end: 'error', endDetail: 'cancelled: the run was stopped before it ended' };
  if (killReason === 'timeout') return { end: 'timeout', endDetail: withSuffix(`killed after the ${formatMs(limits.wallMs)} wall-time limit; ${raiseHint('wall')}`) };
  if (killReason === 'output-limit') {
    return { end: 'output-limit', endDetail: withSuffix(`killed at the output limit (${formatBytes(limits.outputBytes)}); the trace stops there; ${raiseHint('output')}`) };
  }
  const cpuLimit = plan.applied.cpuMs;
  if (signal === 'SIGXCPU' || (signal === 'SIGKILL' && cpuLimit !== undefined && stats.cpuMs !== undefined && stats.cpuMs >= cpuLimit)) {
    return { end: 'cpu-limit', endDetail: withSuffix(`killed by ${signal} at the ${formatMs(cpuLimit ?? limits.cpuMs)} CPU-time limit; ${raiseHint('cpu')}`) };
  }
  if (signal === 'SIGKILL' && stats.oomKills) {
    return { end: 'memory-limit', endDetail: withSuffix(`killed by the kernel at the run's memory cap (its cgroup; ${stats.oomKills} process${stats.oomKills === 1 ? '' : 'es'} killed); ${raiseHint('memory')}`) };
  }
  if (exitCode !== 0 || signal) {
    for (const [re, label] of MEMORY_PATTERNS) {
      if (re.test(stderrTail)) {
        // The spec's limit (for Node: the heap cap; its address-space limit has 1 GiB headroom).
        return { end: 'memory-limit', endDetail: withSuffix(`memory limit (${formatBytes(limits.memoryBytes)}) reached: ${label}; ${raiseHint('memory')}`) };
      }
    }
  }
  const asLimit = plan.applied.memoryBytes;
  const silent = !trace.some((l) => l.stream === 'stdout');
  const startFailed = /Failed to reserve virtual memory|Fatal process OOM/.test(stderrTail) || silent;
  if ((signal === 'SIGTRAP' || signal === 'SIGABRT') && asLimit !== undefined && startFailed) {
    // V8 (node) reserves a large address space at start and aborts when it cannot.
    return {
      end: 'memory-limit',
      endDetail: withSuffix(`killed by ${signal}${silent ? ' before printing anything' : ''}: most likely the address-space limit (${formatBytes(asLimit)}) is too small for the runtime to start (V8 and other runtimes reserve much address space up front); ${raiseHint('memory')}`),
    };
  }
  if (signal === 'SIGXFSZ') return { end: 'signalled', endDetail: withSuffix(`killed by SIGXFSZ at the file-size limit (${formatBytes(limits.fileSizeBytes)}); ${raiseHint('file_size')}`) };
  if (signal) return { end: 'signalled', endDetail: withSuffix(`killed by ${signal}`) };
  return { end: 'exited', endDetail: withSuffix(`exited with code ${exitCode}`) };
}
