/** Whether a level works here, probed with the exact flags a run uses (once per process, a success kept on disk); level choice. */

import { constants as fsc } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SandboxLevel } from '../../trace/types.js';
import { cachedProbe } from '../probe-cache.js';
import { runToEnd } from '../run-to-end.js';
import { disposePlan, planLaunch } from './plan.js';
import { sandboxProbeKey } from './probe-key.js';
import { tools, resetTools } from './tools.js';
import { LEVELS, SandboxUnavailableError, type LaunchPlan, type SandboxChoice } from './types.js';

export interface ProbeResult {
  level: SandboxLevel;
  ok: boolean;
  /** Why it is unavailable (first line of the tool's complaint, and the fix). */
  reason?: string;
}

const probeCache = new Map<SandboxLevel, Promise<ProbeResult>>();

export function probeSandbox(level: SandboxLevel): Promise<ProbeResult> {
  let hit = probeCache.get(level);
  if (!hit) {
    hit = probeUncached(level);
    probeCache.set(level, hit);
  }
  return hit;
}

async function probeUncached(level: SandboxLevel): Promise<ProbeResult> {
  if (level === 'none') return { level, ok: true };
  if (process.platform !== 'linux') return { level, ok: false, reason: `${level} needs Linux (this is ${process.platform})` };
  const t = await tools();
  if (!t.prlimit) return { level, ok: false, reason: 'prlimit not found: install util-linux' };
  if (level === 'bwrap' && (!t.bwrap || !(await access(t.bwrap, fsc.X_OK).then(() => true, () => false)))) return { level, ok: false, reason: 'bwrap not found: install bubblewrap (apt-get install bubblewrap)' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tracegrade-probe-'));
  let plan: LaunchPlan | null = null;
  try {
    const work = path.join(dir, 'work');
    const tmp = path.join(dir, 'tmp');
    await mkdir(work);
    await mkdir(tmp);
    await writeFile(path.join(work, 'probe.txt'), 'ok\n');
    // Same builder, same flags as a real run; the program checks the copy is there.
    plan = await planLaunch({
      level,
      runtime: 'command',
      argv: ['/bin/sh', '-c', 'read x < probe.txt && [ "$x" = ok ]'],
      workDir: work,
      tmpDir: tmp,
      workBytes: 3,
      roots: [],
      env: { LANG: 'C.UTF-8' },
      limits: { wallMs: 10_000, cpuMs: 5_000, memoryBytes: 512 * 1048576, processes: 64, outputBytes: 1 << 20, fileSizeBytes: 1 << 24, openFiles: 256 },
    });
    // A level that worked with this exact plan on this kernel, as this user, is not launched again
    // on every start (probe-key.ts: what the answer depends on); a failure is never kept.
    const launched = plan;
    let failed: ProbeResult | undefined;
    const ok = await cachedProbe('sandbox', sandboxProbeKey(plan, dir, t), async () => {
      const r = await launch(level, launched);
      if (r.ok) return true;
      failed = r;
      return null;
    }, () => true);
    return ok ? { level, ok: true } : (failed ?? { level, ok: false, reason: `${level} probe failed` });
  } catch (e) {
    return { level, ok: false, reason: `${level} probe failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    if (plan) await disposePlan(plan);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run the probe's plan: the program must find its copy in the sandbox and exit 0. */
async function launch(level: SandboxLevel, plan: LaunchPlan): Promise<ProbeResult> {
  const r = await runToEnd(plan.file, plan.args, { env: plan.env, cwd: plan.cwd, timeoutMs: 15_000, feeds: plan.feeds });
  if (r.exitCode === 0) return { level, ok: true };
  const msg = r.all.trim().split('\n')[0] || r.error?.message || `exit ${r.exitCode ?? r.signal}`;
  return { level, ok: false, reason: `${level} probe failed: ${msg}${level === 'bwrap' ? hint(msg) : ''}` };
}

function hint(msg: string): string {
  if (/uid map|Permission denied|RTM_NEWADDR|Operation not permitted|No space left/i.test(msg)) {
    return ' (unprivileged user namespaces are restricted; on Ubuntu 24.04: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)';
  }
  return '';
}

/** The level for `choice`: auto = the strongest that works, with the reason stronger ones did not. */
export async function chooseSandbox(choice: SandboxChoice = 'auto'): Promise<{ level: SandboxLevel; reason?: string }> {
  if (choice !== 'auto') {
    const p = await probeSandbox(choice);
    if (!p.ok) throw new SandboxUnavailableError(p.reason ?? `${choice} is unavailable`);
    return { level: choice };
  }
  const reasons: string[] = [];
  for (const level of LEVELS) {
    const p = await probeSandbox(level);
    if (p.ok) return reasons.length ? { level, reason: reasons.join('; ') } : { level };
    reasons.push(p.reason ?? `${level} unavailable`);
  }
  return { level: 'none', reason: reasons.join('; ') };
}

/** `--require-sandbox LEVEL`: throw unless `level` or a stronger one works; returns the strongest such. */
export async function requireSandbox(level: SandboxLevel): Promise<SandboxLevel> {
  const reasons: string[] = [];
  for (const l of LEVELS.slice(0, LEVELS.indexOf(level) + 1)) {
    const p = await probeSandbox(l);
    if (p.ok) return l;
    reasons.push(p.reason ?? `${l} unavailable`);
  }
  throw new SandboxUnavailableError(`--require-sandbox ${level}: not available here: ${reasons.join('; ')}`);
}

/** For tests: forget cached probes and tools. */
export function resetSandboxProbes(): void {
  probeCache.clear();
  resetTools();
}
