// `tracegrade check` of one submission under the virtual clock, as a student runs it (a whole
// process, spec found and loaded, sandbox chosen, run, checks, terminal report), against its
// floor measured in the same rounds: `node -e 0` + the bare `python -c pass` in a minimal
// sandbox of the same level. Target: ≤ 3× the floor. Rounds are interleaved (floor, check,
// floor, …) so a change in the machine's load hits both alike; medians.
//
// Env: BENCH_CHECK_N=10 (rounds), BENCH_SANDBOX=auto|bwrap|rlimit|none,
//      BENCH_CHECK_SUB=submissions/fetch-and-count/reference.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, envInt, fmt, median, printMachine, quantile, removeDir } from './lib/common.js';
import { benchSandbox, printLoad, runCli, timeFloor, timeProcess } from './lib/cli.js';

const n = envInt('BENCH_CHECK_N', 10);
const sub = process.env.BENCH_CHECK_SUB ?? 'submissions/fetch-and-count/reference';
const level = await benchSandbox();
// A cache of our own: the first run shows the cold start (python probe, bytecode), the rest the warm one.
const cache = mkdtempSync(join(os.tmpdir(), 'tg-bench-cache-'));
const env = { ...process.env, TRACEGRADE_CACHE_DIR: cache };
const args = ['check', sub, '--clock', 'virtual', '--sandbox', level];

printMachine('`tracegrade check` of one submission (virtual clock) vs node start + a sandboxed `python -c pass`');
try {
  const cold = await runCli(args, { env, ok: [0, 1] });
  const t = { node: [], py: [], check: [] };
  for (let i = 0; i < n; i++) {
    t.node.push((await timeProcess(process.execPath, ['-e', '0'])).ms);
    t.py.push(await timeFloor(level, ['-c', 'pass']));
    t.check.push((await runCli(args, { env, ok: [0, 1] })).ms);
  }
  const floor = median(t.node) + median(t.py);
  const m = median(t.check);
  console.log(`\n\`tracegrade ${args.join(' ')}\` from ${ROOT}; ${n} interleaved rounds after one cold run, medians\n`);
  console.log('| what | median | p90 |');
  console.log('|---|---|---|');
  console.log(`| \`node -e 0\` | ${fmt(median(t.node), 0)} ms | ${fmt(quantile(t.node, 0.9), 0)} ms |`);
  console.log(`| \`python -c pass\`, minimal ${level} sandbox | ${fmt(median(t.py), 0)} ms | ${fmt(quantile(t.py, 0.9), 0)} ms |`);
  console.log(`| **floor** (sum of the two medians) | ${fmt(floor, 0)} ms | |`);
  console.log(`| tracegrade check, first run (empty probe cache) | ${fmt(cold.ms, 0)} ms | |`);
  console.log(`| **tracegrade check** | ${fmt(m, 0)} ms | ${fmt(quantile(t.check, 0.9), 0)} ms |`);
  console.log(`\ncheck / floor = ${fmt(m / floor, 2)}× (target ≤ 3×)${m / floor > 3 ? ' — ABOVE TARGET' : ''}`);
} finally {
  removeDir(cache);
  printLoad('after');
}
