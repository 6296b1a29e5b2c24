/**
 * As root at the rlimit level the run has a uid of its own, which cannot enter /root (0700):
 * a pyenv interpreter there is unreachable. Rather than run as root, take the same Python
 * (major.minor) from a system location the uid can reach, and say so; with none, the planner
 * refuses the run with a message that says how to fix it.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SandboxLevel } from '../trace/types.js';
import { resolveRuntime, type ResolvedRuntime } from './interpreter.js';
import { assertReachable, isRoot, reachableByOther } from './sandbox/index.js';

async function reachable(rt: ResolvedRuntime): Promise<boolean> {
  if (!(await reachableByOther(rt.executable))) return false;
  for (const r of rt.roots) if (!(await reachableByOther(r, 0o001))) return false;
  return true;
}

export async function reachableRuntime(level: SandboxLevel, rt: ResolvedRuntime): Promise<{ runtime: ResolvedRuntime; note?: string }> {
  if (level !== 'rlimit' || !isRoot() || !path.isAbsolute(rt.executable) || (await reachable(rt))) return { runtime: rt };
  if (rt.kind === 'python' && rt.version) {
    const mm = rt.version.split('.').slice(0, 2).join('.');
    for (const dir of ['/usr/bin', '/usr/local/bin', `/opt/python${mm}/bin`]) {
      const c = path.join(dir, `python${mm}`);
      if (!existsSync(c)) continue;
      const alt = await resolveRuntime({ runtime: 'python', interpreter: c }).catch(() => null);
      if (alt && alt.version?.startsWith(`${mm}.`) && (await reachable(alt))) {
        return { runtime: alt, note: `${rt.executable} is not reachable by the run's uid: ran ${alt.executable} (Python ${alt.version}) instead` };
      }
    }
  }
  return { runtime: rt };
}

/** For the CLI's setup check: the runtime a run will use at `level`, or the refusal, once. */
export async function checkRunnable(level: SandboxLevel, rt: ResolvedRuntime): Promise<ResolvedRuntime> {
  const { runtime } = await reachableRuntime(level, rt);
  if (level === 'rlimit' && isRoot()) await assertReachable(runtime.executable, runtime.roots);
  return runtime;
}
