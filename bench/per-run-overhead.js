// Where the time of one run goes: a ladder from the bare interpreter to a graded submission, each
// rung adding one piece of what tracegrade does, timed as whole child processes spawned from
// Node (interleaved rounds, medians). The difference between two rungs is that piece's cost.
//
//   bare            python main.py
//   floor           the same in a minimal sandbox of the level (bwrap: namespaces, read-only
//                   /usr and interpreter; rlimit: prlimit)
//   + start marker  + runtime/python on PYTHONPATH, TRACEGRADE_CLOCK=start, the fd 3 channel
//                   (what every real-clock Python run loads: sitecustomize + the tracer's boot)
//   + launch plan   the sandbox's real plan (planLaunch): the sh wrapper joining the run's cgroups,
//                   bwrap filling the work tmpfs from fds (feed.ts), prlimit
//   runSubmission   + work-dir copy on the host, execa, trace capture, drain, clean-up
//   gradeOne        + checks and scoring
//
// Env: BENCH_LADDER_N=15 (rounds), BENCH_SANDBOX=auto|bwrap|rlimit|none.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dist, envInt, fmt, median, printMachine, realPython, removeDir, tempDir, tinySpec } from './lib/common.js';
import { benchSandbox, floorArgv, printLoad } from './lib/cli.js';

const { planLaunch, closeFeed } = await dist('run/sandbox/index.js');
const { instrumentPython, runtimePythonDir } = await dist('run/instrument/index.js');
const { resolveLimits } = await dist('run/limits.js');
const { runSubmission } = await dist('run/index.js');
const { gradeOne } = await dist('batch/grade-one.js');

const n = envInt('BENCH_LADDER_N', 15);
const level = await benchSandbox();
const RUNTIME_AT = '/opt/tracegrade/0';

function timeSpawn(file, args, { cwd, env, fd3 = false, feeds = [] }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // A plan's feeds at fd 4 on, as the runner passes them (src/run/sandbox/feed.ts).
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', ...(fd3 || feeds.length ? ['pipe'] : []), ...feeds] });
    closeFeed(feeds);
    for (const s of child.stdio.slice(1, 4)) s?.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${file} exited ${code}`))));
  });
}

printMachine(`Per-run overhead, rung by rung (sandbox ${level})`);
const root = tempDir();
try {
  const sub = join(root, 'sub');
  mkdirSync(sub);
  writeFileSync(join(sub, 'main.py'), "print('hello')\n");
  const spec = tinySpec('trivial');
  const settings = spec.run;
  const py = realPython().path;
  const limits = resolveLimits(settings.limits, {}, 1);
  const marker = () => instrumentPython(settings, { wallMs: limits.wallMs });
  const baseEnv = { LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };

  const rungs = {
    bare: () => timeSpawn(py, ['main.py'], { cwd: sub, env: { ...baseEnv, PATH: '/usr/bin:/bin' } }),
    floor: () => {
      const [f, ...a] = floorArgv(level, ['main.py'], sub);
      return timeSpawn(f, a, { cwd: sub, env: { ...baseEnv, PATH: '/usr/bin:/bin' } });
    },
    '+ start marker': () => {
      const m = marker();
      const env = { ...baseEnv, ...m.env, PYTHONPATH: level === 'bwrap' ? RUNTIME_AT : runtimePythonDir() };
      let [f, ...a] = floorArgv(level, ['main.py'], sub);
      if (level === 'bwrap') {
        const i = a.indexOf('--unshare-all');
        a.splice(i, 0, '--ro-bind', runtimePythonDir(), RUNTIME_AT);
        for (const [k, v] of Object.entries(env)) a.splice(a.indexOf('--'), 0, '--setenv', k, v);
      }
      return timeSpawn(f, a, { cwd: sub, env: { ...env, PATH: '/usr/bin:/bin' }, fd3: true });
    },
    '+ launch plan': async () => {
      const work = join(root, `w${Math.random().toString(36).slice(2)}`);
      cpSync(sub, join(work, 'work'), { recursive: true });
      mkdirSync(join(work, 'tmp'));
      const m = marker();
      const t0 = performance.now();
      const plan = await planLaunch({
        level,
        runtime: 'python',
        argv: [py, 'main.py'],
        workDir: join(work, 'work'),
        tmpDir: join(work, 'tmp'),
        workBytes: 15,
        roots: [realPython().path.replace(/\/bin\/[^/]+$/, '')],
        binds: level === 'bwrap' ? [{ from: runtimePythonDir(), to: RUNTIME_AT }] : [],
        env: { ...baseEnv, ...m.env, PYTHONPATH: level === 'bwrap' ? RUNTIME_AT : runtimePythonDir() },
        limits,
      });
      try {
        await timeSpawn(plan.file, plan.args, { cwd: plan.cwd, env: plan.env, fd3: true, feeds: plan.feeds });
      } finally {
        closeFeed(plan.feeds);
        await plan.cgroup?.destroy();
      }
      const ms = performance.now() - t0;
      removeDir(work);
      return ms;
    },
    runSubmission: async () => {
      const t0 = performance.now();
      const r = await runSubmission({ submission: sub, settings, sandbox: level });
      if (r.end !== 'exited' || r.exitCode !== 0) throw new Error(`runSubmission: ${r.endDetail}`);
      return performance.now() - t0;
    },
    gradeOne: async () => {
      const t0 = performance.now();
      const r = await gradeOne(spec, sub, { sandbox: level });
      if (r.score !== r.maxScore) throw new Error(`gradeOne: ${r.error ?? r.checks[0]?.message}`);
      return performance.now() - t0;
    },
  };
  const names = Object.keys(rungs);
  const t = Object.fromEntries(names.map((k) => [k, []]));
  for (const k of names) await rungs[k](); // warm-up: page cache, probes
  for (let i = 0; i < n; i++) for (const k of names) t[k].push(await rungs[k]());
  console.log(`\n${n} interleaved rounds, medians; program: print('hello')\n`);
  console.log('| rung | median | added by this rung | × floor |');
  console.log('|---|---|---|---|');
  const floor = median(t.floor);
  let prev = null;
  for (const k of names) {
    const m = median(t[k]);
    console.log(`| ${k} | ${fmt(m, 1)} ms | ${prev === null ? '' : `${m - prev >= 0 ? '+' : ''}${fmt(m - prev, 1)} ms`} | ${fmt(m / floor, 2)} |`);
    prev = m;
  }
} finally {
  removeDir(root);
  printLoad('after');
}
