// Harness overhead: grading a trivial program (work-dir copy, sandbox, capture, scoring)
// against running the bare interpreter on it, as a ratio of median wall times.
//
// Env: BENCH_OVERHEAD_N=20 (runs per variant), BENCH_OVERHEAD_LEVELS="bwrap,rlimit,none".

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dist, envInt, fmt, median, printMachine, quantile, realPython, removeDir, tempDir, tinySpec } from './lib/common.js';

const { gradeOne } = await dist('batch/grade-one.js');
const { probeSandbox } = await dist('run/sandbox/index.js');

const n = envInt('BENCH_OVERHEAD_N', 20);
const levels = (process.env.BENCH_OVERHEAD_LEVELS ?? 'bwrap,rlimit,none').split(',');

function bare(py, file) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(py, [file], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, PYTHONUNBUFFERED: '1' } });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

printMachine('Harness overhead: grading a trivial program vs the bare interpreter');
const root = tempDir();
try {
  const sub = join(root, 'trivial');
  mkdirSync(sub);
  writeFileSync(join(sub, 'main.py'), "print('hello')\n");
  const py = realPython().path;
  const spec = tinySpec('trivial');

  // Interleaved (bare, then each level, n times) so a change in machine load hits every variant alike.
  const usable = [];
  for (const level of levels) {
    const probe = await probeSandbox(level);
    if (probe.ok) usable.push(level);
    else console.log(`sandbox ${level} unavailable: ${probe.reason}`);
  }
  await bare(py, join(sub, 'main.py')); // warm the page cache
  for (const level of usable) await gradeOne(spec, sub, { sandbox: level });
  const times = { bare: [] };
  for (const level of usable) times[level] = [];
  for (let i = 0; i < n; i++) {
    times.bare.push(await bare(py, join(sub, 'main.py')));
    for (const level of usable) {
      const t0 = performance.now();
      const r = await gradeOne(spec, sub, { sandbox: level });
      times[level].push(performance.now() - t0);
      if (r.score !== r.maxScore) throw new Error(`trivial program failed under ${level}: ${r.error ?? r.checks[0].message}`);
    }
  }
  const base = median(times.bare);
  console.log(`\n${n} runs each, interleaved; bare = \`${py} main.py\` spawned from Node; graded = gradeOne (work-dir copy, sandbox, capture, scoring)\n`);
  console.log('| variant | median wall | p90 | ratio to bare |');
  console.log('|---|---|---|---|');
  console.log(`| bare interpreter | ${fmt(base, 1)} ms | ${fmt(quantile(times.bare, 0.9), 1)} ms | 1.00 |`);
  for (const level of usable) {
    const m = median(times[level]);
    console.log(`| tracegrade, sandbox ${level} | ${fmt(m, 1)} ms | ${fmt(quantile(times[level], 0.9), 1)} ms | ${fmt(m / base, 2)} |`);
  }
} finally {
  removeDir(root);
}
