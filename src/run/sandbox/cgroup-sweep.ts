/** Cgroups left by a harness that was killed mid-run: removed once per process, when empty. */

import { existsSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupHost } from './cgroup.js';
import { ownPath } from './cgroup-fs.js';

let swept = false;

/** Remove empty cgroups left by a harness that was killed mid-run (their pid is gone). */
export async function sweepStale(host: CgroupHost): Promise<void> {
  if (swept) return;
  swept = true;
  const parents = [path.join(host.root, ownPath(host.selfCgroup, '') ?? '/')];
  for (const c of ['pids', 'memory', 'cpuacct']) parents.push(path.join(host.root, c, ownPath(host.selfCgroup, c) ?? '/'));
  for (const parent of parents) {
    const names = (await readdir(parent).catch(() => [] as string[])).filter((n) => /^tracegrade-(harness-)?\d+(-\d+)?$/.test(n));
    for (const n of names) {
      const pid = Number(n.split('-').find((x) => /^\d+$/.test(x)));
      if (pid === process.pid || existsSync(`/proc/${pid}`)) continue;
      await rmdir(path.join(parent, n)).catch(() => {}); // fails while not empty: fine
    }
  }
}

export function resetSweep(): void {
  swept = false;
}
