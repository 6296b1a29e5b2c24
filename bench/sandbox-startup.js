// Start-up cost of each sandbox level against the bare interpreter, as a ratio.
// Run after `npm run build`:  node bench/sandbox-startup.js [runs=15]
// Levels are interleaved round by round (the machine is shared: a load spike then hits all
// of them alike). "spawn→exit" is the child's wall time as recorded (RunRecord.wallMs + startupMs) for a
// program that prints one line; "whole run" adds the work-dir copy, cgroup set-up and clean-up.

import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeSandbox, resolveRuntime, runSubmission } from '../dist/run/index.js';

const N = Number(process.argv[2] ?? 15);
const WARMUP = 2;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const sub = mkdtempSync(path.join(os.tmpdir(), 'tg-sandbox-bench-'));
writeFileSync(path.join(sub, 'main.py'), 'print("hi")\n');
const settings = { runtime: 'python', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all' };
const py = await resolveRuntime(settings);

const cpus = os.cpus();
console.log(`machine: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} cores, ${os.platform()} ${os.release()}, Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`python: ${py.description}; ${N} interleaved rounds (after ${WARMUP} warm-up), median`);

const levels = [];
for (const level of ['none', 'rlimit', 'bwrap']) {
  const p = await probeSandbox(level);
  if (p.ok) levels.push(level);
  else console.log(`${level.padEnd(18)} unavailable: ${p.reason}`);
}

const bare = [];
const child = Object.fromEntries(levels.map((l) => [l, []]));
const whole = Object.fromEntries(levels.map((l) => [l, []]));
for (let i = 0; i < N + WARMUP; i++) {
  const keep = i >= WARMUP;
  let t = performance.now();
  await execa(py.executable, ['main.py'], { cwd: sub, env: { PYTHONUNBUFFERED: '1', LANG: 'C.UTF-8' }, extendEnv: false });
  if (keep) bare.push(performance.now() - t);
  for (const level of levels) {
    t = performance.now();
    const r = await runSubmission({ submission: sub, settings, sandbox: level });
    if (r.end !== 'exited' || r.exitCode !== 0) throw new Error(`${level}: ${r.endDetail}`);
    if (keep) {
      whole[level].push(performance.now() - t);
      child[level].push(r.wallMs + (r.startupMs ?? 0)); // wallMs counts from the program's start; add the start-up back
    }
  }
}
const bareMs = median(bare);
console.log(`${'bare interpreter'.padEnd(18)} ${bareMs.toFixed(1).padStart(7)} ms`);
for (const level of levels) {
  const c = median(child[level]);
  const w = median(whole[level]);
  console.log(
    `${level.padEnd(18)} ${c.toFixed(1).padStart(7)} ms spawn→exit (×${(c / bareMs).toFixed(2)})   ${w.toFixed(1).padStart(7)} ms whole run (×${(w / bareMs).toFixed(2)})`,
  );
}
rmSync(sub, { recursive: true, force: true });
