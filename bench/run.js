// Runs every benchmark in bench/ (each a plain Node script importing from dist/), one after
// the other, with modest sizes so the whole set takes a few minutes. `npm run bench` builds first.
//
//   node bench/run.js                 all benchmarks, modest sizes
//   node bench/run.js timing memory   only those whose file name contains one of the words
//   BENCH_FULL=1 node bench/run.js    the sizes quoted in docs/batch.md (200 submissions, 10 rounds…)
//   node bench/run.js --quick         only the CLI benchmarks (cli-*: check, marginal cost, virtual
//                                     vs real) and the per-run ladder, at the smallest sizes (~2 min)
// Any BENCH_* variable set in the environment wins over the presets.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const full = process.env.BENCH_FULL === '1';
const quick = process.argv.includes('--quick');

const presets = quick
  ? { BENCH_CHECK_N: '5', BENCH_MARGINAL_N: '6', BENCH_MARGINAL_ROUNDS: '2', BENCH_CLI_VVR_ROUNDS: '1', BENCH_LADDER_N: '6' }
  : full
  ? {
      BENCH_THROUGHPUT_N: '200',
      BENCH_STABILITY_ROUNDS: '10',
      BENCH_TA_ROUNDS: '6',
      BENCH_OVERHEAD_N: '30',
      BENCH_CHECK_N: '20',
      BENCH_MARGINAL_N: '40',
      BENCH_MARGINAL_ROUNDS: '5',
      BENCH_CLI_VVR_ROUNDS: '3',
      BENCH_LADDER_N: '30',
    }
  : {
      BENCH_THROUGHPUT_N: '24',
      BENCH_STABILITY_ROUNDS: '2',
      BENCH_TA_ROUNDS: '2',
      BENCH_TA_PARALLEL: '1,2,4',
      BENCH_OVERHEAD_N: '10',
      BENCH_MEMORY_CAPS_MB: '1,16',
      BENCH_TA_RENDER: '50',
      BENCH_CHECK_N: '10',
      BENCH_MARGINAL_N: '10',
      BENCH_MARGINAL_ROUNDS: '3',
      BENCH_CLI_VVR_ROUNDS: '1',
      BENCH_LADDER_N: '15',
    };
const env = { ...presets, ...process.env };

const filters = process.argv.slice(2).filter((a) => a !== '--quick');
if (quick && filters.length === 0) filters.push('cli-', 'per-run');
const scripts = readdirSync(here)
  .filter((f) => /\.(m?js)$/.test(f) && f !== 'run.js')
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (scripts.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}

const summary = [];
for (const script of scripts) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit', env });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  const status = r.error ? `could not start: ${r.error.message}` : r.status === 0 ? 'ok' : `exit ${r.status ?? r.signal}`;
  summary.push(`${script}: ${status} (${secs} s)`);
}
console.log(`\n## Benchmarks run${quick ? ' (quick sizes)' : full ? ' (full sizes)' : ' (modest sizes; BENCH_FULL=1 for the documented ones)'}`);
for (const line of summary) console.log(`- ${line}`);
process.exitCode = summary.every((l) => l.includes(': ok')) ? 0 : 1;
