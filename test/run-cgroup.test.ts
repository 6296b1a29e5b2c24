/**
 * The cgroup v2 path (GitHub ubuntu-24.04, current distributions) on a simulated
 * /sys/fs/cgroup: this machine has v1, whose path the hostile tests exercise live as root.
 * A simulated tree holds files, not kernel behaviour: these tests check what tracegrade writes
 * (delegation, limits, joining, the kill) and that it reads the v2 counters; docs/sandbox.md
 * says what was verified where.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RunCgroup, resetCgroups } from '../src/run/sandbox/index.js';
import { removeTempDirs, tempDir } from './run-helpers.js';

afterAll(removeTempDirs);
afterEach(resetCgroups);

/** A v2 tree with the harness in `own` (its cgroup.procs lists this process). */
function v2Tree(own: string, opts: { delegated?: string; kill?: boolean } = {}): { root: string; parent: string } {
  const root = tempDir('tg-cgroup2-');
  writeFileSync(path.join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  writeFileSync(path.join(root, 'cgroup.subtree_control'), 'cpu memory pids\n');
  const parent = path.join(root, own);
  mkdirSync(parent, { recursive: true });
  writeFileSync(path.join(parent, 'cgroup.controllers'), 'cpu memory pids\n');
  writeFileSync(path.join(parent, 'cgroup.subtree_control'), opts.delegated ?? '');
  writeFileSync(path.join(parent, 'cgroup.procs'), `${process.pid}\n`);
  if (opts.kill !== false) writeFileSync(path.join(parent, 'cgroup.kill'), '');
  return { root, parent };
}

const linux = process.platform === 'linux' ? describe : describe.skip;

linux('cgroup v2 (simulated tree)', () => {
  test('the harness leaves its own cgroup for a leaf, the parent delegates pids and memory, the run gets pids.max and memory.max', async () => {
    const { root, parent } = v2Tree('system.slice/runner.service');
    const cg = await RunCgroup.create({ processes: 32, memoryBytes: 300 * 1048576 }, { root, selfCgroup: '0::/system.slice/runner.service\n' });
    expect(cg).not.toBeNull();
    expect(cg!.version).toBe(2);
    expect(readFileSync(path.join(parent, `tracegrade-harness-${process.pid}`, 'cgroup.procs'), 'utf8')).toBe(String(process.pid));
    expect(readFileSync(path.join(parent, 'cgroup.subtree_control'), 'utf8')).toBe('+pids +memory');
    const run = path.dirname(cg!.procsFiles[0]!);
    expect(path.dirname(run)).toBe(parent);
    expect(readFileSync(path.join(run, 'pids.max'), 'utf8')).toBe('32');
    expect(readFileSync(path.join(run, 'memory.max'), 'utf8')).toBe(String(300 * 1048576));
    expect(readFileSync(path.join(run, 'memory.swap.max'), 'utf8')).toBe('0');
    expect(cg!.describe()).toEqual(['pids cgroup (max 32)', 'memory cgroup v2 (max 300 MiB, all its processes together)']);
  });

  test('at the root of a cgroup namespace (a container) nothing moves; an already delegating parent is used as it is', async () => {
    const { root } = v2Tree('');
    const cg = await RunCgroup.create({ processes: 8, memoryBytes: 1 << 26 }, { root, selfCgroup: '0::/\n' });
    expect(cg!.version).toBe(2);
    expect(readdirSync(root).filter((n) => n.startsWith('tracegrade-harness'))).toEqual([]);
    const { root: r2, parent: p2 } = v2Tree('user.slice', { delegated: 'memory pids\n' });
    const cg2 = await RunCgroup.create({ processes: 8, memoryBytes: 1 << 26 }, { root: r2, selfCgroup: '0::/user.slice\n' });
    expect(readFileSync(path.join(p2, 'cgroup.subtree_control'), 'utf8')).toBe('memory pids\n');
    expect(existsSync(path.join(p2, `tracegrade-harness-${process.pid}`))).toBe(false);
    expect(cg2).not.toBeNull();
  });

  test('no pids controller, or a parent that refuses delegation: no cgroup (the planner says processes are not limited)', async () => {
    const { root, parent } = v2Tree('x');
    writeFileSync(path.join(parent, 'cgroup.controllers'), 'cpu memory\n');
    expect(await RunCgroup.create({ processes: 8, memoryBytes: 1 << 26 }, { root, selfCgroup: '0::/x\n' })).toBeNull();
  });

  test('the wrapper joins the run\'s cgroup before exec; the kill writes cgroup.kill and signals every listed pid', async () => {
    const { root } = v2Tree('svc');
    const cg = (await RunCgroup.create({ processes: 8, memoryBytes: 1 << 26 }, { root, selfCgroup: '0::/svc\n' }))!;
    const w = cg.wrap('/bin/sleep', ['30']);
    const child = spawn(w.file, w.args, { stdio: 'ignore' });
    const exited = new Promise<string | null>((r) => child.once('exit', (_c, s) => r(s)));
    for (let i = 0; i < 100 && (await cg.pids()).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await cg.pids()).toEqual([child.pid]); // sh wrote its own pid, then exec'd sleep in place
    await cg.killAll(500);
    expect(await exited).toBe('SIGKILL');
    expect(readFileSync(path.join(path.dirname(cg.procsFiles[0]!), 'cgroup.kill'), 'utf8')).toBe('1');
  });

  test('stats are the v2 counters, as deltas from the run\'s start (a reused cgroup does not carry the last run\'s)', async () => {
    const { root } = v2Tree('svc');
    const host = { root, selfCgroup: '0::/svc\n' };
    const dir = (cg: RunCgroup) => path.dirname(cg.procsFiles[0]!);
    const a = (await RunCgroup.create({ processes: 8, memoryBytes: 1 << 26 }, host))!;
    writeFileSync(path.join(dir(a), 'cpu.stat'), 'usage_usec 250000\nuser_usec 200000\n');
    writeFileSync(path.join(dir(a), 'memory.peak'), String(40 * 1048576));
    writeFileSync(path.join(dir(a), 'pids.events'), 'max 3\n');
    writeFileSync(path.join(dir(a), 'memory.events'), 'low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n');
    writeFileSync(path.join(dir(a), 'cgroup.procs'), '');
    expect(await a.stats()).toEqual({ cpuMs: 250, maxRssKb: 40960, pidsLimitHits: 3, oomKills: 1 });
    await a.destroy();
    const b = (await RunCgroup.create({ processes: 8, memoryBytes: 1 << 26 }, host))!;
    expect(dir(b)).toBe(dir(a)); // reused, not made and removed per run
    writeFileSync(path.join(dir(b), 'cpu.stat'), 'usage_usec 300000\n');
    const s = await b.stats();
    expect(s.cpuMs).toBe(50);
    expect(s.pidsLimitHits).toBe(0);
    expect(s.oomKills).toBeUndefined();
  });
});

/** This machine's own cgroups (v1 here, v2 elsewhere): only as root with a writable hierarchy. */
const live = process.getuid?.() === 0 && existsSync('/sys/fs/cgroup') ? test : test.skip;

live('live: the wrapped command and what it forks are in every cgroup of the run (v1 joins by thread, without the global lock)', async () => {
  resetCgroups();
  const cg = await RunCgroup.create({ processes: 16, memoryBytes: 1 << 28 });
  if (!cg) return; // no writable hierarchy (a container): nothing to join
  try {
    // The shell forks `cat` (its own /proc/self/cgroup) after joining: it must be born inside.
    const w = cg.wrap('/bin/sh', ['-c', 'cat /proc/self/cgroup; echo pid $$']);
    const child = spawn(w.file, w.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    if (cg.version === 1) expect(w.args[1]).toMatch(/^echo 0 > '[^']+\/tasks'/);
    const lines = out.split('\n');
    // Every joined cgroup directory appears in the forked process's own list of cgroups.
    for (const procs of cg.procsFiles) {
      const dir = path.dirname(procs);
      const name = path.basename(dir);
      expect(lines.some((l) => l.split(':')[2]?.endsWith(`/${name}`))).toBe(true);
    }
  } finally {
    await cg.destroy();
  }
});
