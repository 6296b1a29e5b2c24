// Throughput: N submissions (copies of the bundled fetch-and-count ones, cycled, made in a temp
// dir) graded in real-clock and in virtual-clock mode; submissions per minute, parallelism used.
//
// Env: BENCH_THROUGHPUT_N=200 (submissions), BENCH_THROUGHPUT_JOBS (default: tracegrade's
//      default for each mode), BENCH_THROUGHPUT_MODES="real,virtual".

import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, dist, envInt, fmt, printMachine, removeDir, tempDir } from './lib/common.js';

const { gradeAll, jobsFor } = await dist('batch/grade-all.js');
const { planJobs } = await dist('batch/plan.js');
const { loadSpecFile } = await dist('spec/load.js');

const n = envInt('BENCH_THROUGHPUT_N', 200);
const fixedJobs = process.env.BENCH_THROUGHPUT_JOBS ? envInt('BENCH_THROUGHPUT_JOBS', 1) : undefined;
const modes = (process.env.BENCH_THROUGHPUT_MODES ?? 'real,virtual').split(',');

const loaded = await loadSpecFile(join(ROOT, 'specs', 'fetch-and-count.yaml'));
if (!loaded.spec) {
  console.error('specs/fetch-and-count.yaml does not load:', loaded.diagnostics.map((d) => d.message).join('; '));
  process.exit(1);
}
const spec = loaded.spec;
const bundled = join(ROOT, 'submissions', 'fetch-and-count');
const originals = readdirSync(bundled).filter((d) => !d.startsWith('.')).sort();

printMachine(`Throughput: ${n} fetch-and-count submissions`);
console.log(`copies of the ${originals.length} bundled submissions (${originals.join(', ')}), cycled`);
const root = tempDir();
try {
  for (let k = 0; k < n; k++) {
    const from = originals[k % originals.length];
    cpSync(join(bundled, from), join(root, 'class', `${String(k).padStart(4, '0')}-${from}`), { recursive: true });
  }
  const { jobs } = await planJobs([spec], [join(root, 'class')]);
  const verdicts = {};
  console.log('\n| clock | submissions | ran at once | wall time | submissions / minute | mean score | clock actually used |');
  console.log('|---|---|---|---|---|---|---|');
  for (const clock of modes) {
    const opts = { outDir: join(root, `out-${clock}`), clock, ...(fixedJobs ? { jobs: fixedJobs } : {}) };
    const t0 = performance.now();
    const res = await gradeAll(jobs, opts);
    const secs = (performance.now() - t0) / 1000;
    const runs = res.submissions.flatMap((s) => s.runs);
    const virtualRuns = runs.filter((r) => r.clock === 'virtual').length;
    const fallback = runs.find((r) => r.clockFallback)?.clockFallback;
    const used = clock === 'virtual' ? (virtualRuns === runs.length ? 'virtual' : `real for ${runs.length - virtualRuns} runs${fallback ? ` (${fallback})` : ''}`) : 'real';
    const mean = res.submissions.reduce((a, s) => a + s.score / (s.maxScore || 1), 0) / res.submissions.length;
    console.log(
      `| ${clock} | ${res.submissions.length} | ${res.jobs} (default ${jobsFor(jobs, { clock })}) | ${fmt(secs, 1)} s | ${fmt((60 * res.submissions.length) / secs, 1)} | ${fmt(100 * mean, 1)} % | ${used} |`,
    );
    verdicts[clock] = res.submissions.map((s) => `${s.id}:${s.checks.map((c) => c.status[0]).join('')}`);
    if (clock === 'virtual' && virtualRuns < runs.length) console.log(`(virtual clock unavailable in this build: ${fallback ?? 'runs fell back to real time'})`);
  }
  if (verdicts.real && verdicts.virtual) {
    const same = verdicts.real.filter((v, i) => v === verdicts.virtual[i]).length;
    console.log(`\nsame per-check verdicts in both modes: ${same}/${verdicts.real.length}`);
  }
} finally {
  removeDir(root);
}
