// Diagnostic: the bwrap launch plan taken apart. The plan planLaunch builds today (a `sh` that
// joins the run's cgroups, bwrap filling the work tmpfs from fds (src/run/sandbox/feed.ts),
// prlimit) is spawned whole and with pieces removed, interleaved, medians; the differences are
// the pieces' costs.
// It knows the plan's current shape: when that changes it says so and stops (exit 0).
//
// Env: BENCH_PARTS_N=15. Needs bwrap and root (the cgroups).

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dist, envInt, printMachine, realPython, tempDir } from './lib/common.js';
import { printLoad } from './lib/cli.js';

const { planLaunch, probeSandbox } = await dist('run/sandbox/index.js');
const { instrumentPython, runtimePythonDir } = await dist('run/instrument/index.js');
const { resolveLimits } = await dist('run/limits.js');
const { RunCgroup } = await dist('run/sandbox/cgroup.js');
const py = realPython().path;
printMachine('The bwrap launch plan, piece by piece');
if (!(await probeSandbox('bwrap')).ok || process.getuid?.() !== 0) {
  console.log('skipped: needs bwrap and root');
  process.exit(0);
}
const root = tempDir();
const sub = join(root, 'sub'); mkdirSync(sub); writeFileSync(join(sub, 'main.py'), "print('hello')\n");
const settings = { runtime: 'python', entry: 'main.py', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all' };
const limits = resolveLimits(settings.limits, {}, 1);
const { closeFeed } = await dist('run/sandbox/feed.js');
// The plan's feeds go to fd 4 on, as the runner passes them; closed once the child has them.
const run = (p, file, args) => new Promise((res, rej) => { const t0 = performance.now(); const c = spawn(file, args, { env: p.env, cwd: p.cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...p.feeds] }); closeFeed(p.feeds); for (const s of c.stdio.slice(1, 4)) s?.resume(); c.on('close', (code) => code === 0 ? res(performance.now() - t0) : rej(new Error('exit ' + code))); });
async function plan() {
  const work = join(root, 'w' + Math.random().toString(36).slice(2)); cpSync(sub, join(work, 'work'), { recursive: true }); mkdirSync(join(work, 'tmp'));
  const m = instrumentPython(settings, { wallMs: limits.wallMs });
  const p = await planLaunch({ level: 'bwrap', runtime: 'python', argv: [py, 'main.py'], workDir: join(work, 'work'), tmpDir: join(work, 'tmp'), workBytes: 15, roots: [dirname(dirname(py))], binds: [{ from: runtimePythonDir(), to: '/opt/tracegrade/0' }], env: { LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...m.env, PYTHONPATH: '/opt/tracegrade/0' }, limits });
  return { p, work };
}
const bwrapArgs = (p) => p.args.slice(p.args.indexOf('/usr/bin/bwrap') + 1);
const noPrlimit = (args) => { const pr = args.indexOf('/usr/bin/prlimit'); return [...args.slice(0, pr), ...args.slice(args.indexOf('--', pr) + 1)]; };
const timed = async (f) => { const { p, work } = await plan(); const r = await f(p); closeFeed(p.feeds); await p.cgroup?.destroy(); rmSync(work, { recursive: true }); return r; };
const variants = {
  'full plan (cgroups+sh wrapper+bwrap feeding the copy+prlimit)': () => timed(async (p) => { const t0 = performance.now(); await run(p, p.file, p.args); const t1 = performance.now(); await p.cgroup?.destroy(); return [t1 - t0, performance.now() - t1]; }),
  'no cgroup wrapper (bwrap+prlimit)': () => timed(async (p) => [await run(p, '/usr/bin/bwrap', bwrapArgs(p)), 0]),
  'no cgroups, no prlimit (bwrap)': () => timed(async (p) => [await run(p, '/usr/bin/bwrap', noPrlimit(bwrapArgs(p))), 0]),
  'cgroup create+destroy only': async () => { const t0 = performance.now(); const c = await RunCgroup.create(64); const t1 = performance.now(); await c?.destroy(); return [t1 - t0, performance.now() - t1]; },
};
const N = envInt('BENCH_PARTS_N', 15);
{
  const { p, work } = await plan();
  closeFeed(p.feeds);
  await p.cgroup?.destroy();
  rmSync(work, { recursive: true });
  if (!p.cgroup || p.file !== '/bin/sh' || !p.args.includes('/usr/bin/bwrap') || !p.args.includes('/usr/bin/prlimit') || !p.args.includes('--file')) {
    console.log('skipped: the launch plan no longer has the shape this script takes apart (cgroup sh → bwrap feeding the copy → prlimit)');
    process.exit(0);
  }
}
const t = Object.fromEntries(Object.keys(variants).map((k) => [k, [[], []]]));
for (const k in variants) await variants[k]();
for (let i = 0; i < N; i++) for (const k in variants) { const [a, b] = await variants[k](); t[k][0].push(a); t[k][1].push(b); }
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
console.log(`\n${N} interleaved rounds, medians; program: print('hello') with the start marker\n`);
console.log('| variant | spawn → exit | cgroup destroy after |');
console.log('|---|---|---|');
for (const k in t) console.log(`| ${k} | ${med(t[k][0]).toFixed(1)} ms | ${med(t[k][1]).toFixed(1)} ms |`);
printLoad('after');
