/** Checks on the structure of asyncio tasks, from the in-process task tracer (issue 6). */

import type { TaskRule } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import type { CheckOutcome } from './types.js';

export function evaluateTaskRule(id: string, rule: TaskRule, run: RunRecord): CheckOutcome {
  if (!run.tasks) {
    return {
      id,
      status: 'failed',
      fraction: 0,
      message: `no asyncio task trace was recorded for this run, so the '${rule.kind}' task check cannot pass (task tracing needs a Python submission run by tracegrade's tracer)`,
      lines: [],
      windows: [],
    };
  }
  return {
    id,
    status: 'failed',
    fraction: 0,
    message: `the '${rule.kind}' task check is not implemented yet`,
    lines: [],
    windows: [],
  };
}
