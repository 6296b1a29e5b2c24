// Verdict stability: the bundled curriculum (specs/ × submissions/) graded R times in real
// time, with every core kept busy by other processes, must give identical verdicts every
// time: the same status for every check of every submission, and the same score.
// Exits 1 when a verdict differs, printing which.
//
// Env: BENCH_STABILITY_ROUNDS=10, BENCH_STABILITY_JOBS (default: tracegrade's default),
//      BENCH_STABILITY_LOAD=1 (0: idle machine), BENCH_STABILITY_CLOCK=real.

import { join } from 'node:path';
import { ROOT, dist, envInt, fmt, printMachine, removeDir, startCpuHogs, tempDir } from './lib/common.js';

const { gradeAll, jobsFor } = await dist('batch/grade-all.js');
const { planJobs, expandSpecPaths } = await dist('batch/plan.js');
const { loadSpecFile } = await dist('spec/load.js');

const rounds = envInt('BENCH_STABILITY_ROUNDS', 10);
const load = process.env.BENCH_STABILITY_LOAD !== '0';
const clock = process.env.BENCH_STABILITY_CLOCK ?? 'real';
const fixedJobs = process.env.BENCH_STABILITY_JOBS ? envInt('BENCH_STABILITY_JOBS', 1) : undefined;

const specs = [];
for (const file of await expandSpecPaths([join(ROOT, 'specs')])) {
  const r = await loadSpecFile(file);
  if (!r.spec) {
    console.error(`${file} does not load: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    process.exit(1);
  }
  specs.push(r.spec);
}
const { jobs } = await planJobs(specs, [join(ROOT, 'submissions')]);
const parallel = fixedJobs ?? jobsFor(jobs, { clock });

printMachine(`Verdict stability: the bundled curriculum graded ${rounds} times${load ? ', every core busy' : ''}`);
console.log(`${specs.length} specs, ${jobs.length} submissions, ${parallel} at a time, ${clock} clock`);

// A verdict is the status of every check and the score (partial credit included).
const verdict = (s) => `${s.score}/${s.maxScore} ${s.checks.map((c) => `${c.id}=${c.status}`).join(' ')}`;
const statuses = (s) => s.checks.map((c) => `${c.id}=${c.status}`).join(' ');
const root = tempDir();
const hogs = load ? startCpuHogs(undefined, 3600) : null;
let differing = 0;
let statusFlips = 0;
try {
  let first;
  for (let round = 1; round <= rounds; round++) {
    const t0 = performance.now();
    const res = await gradeAll(jobs, { outDir: join(root, `r${round}`), clock, ...(fixedJobs ? { jobs: fixedJobs } : {}) });
    const v = new Map(res.submissions.map((s) => [`${s.spec}/${s.id}`, { text: verdict(s), s }]));
    let diff = 0;
    if (!first) first = v;
    else {
      for (const [key, a] of first) {
        const b = v.get(key);
        if (!b || b.text !== a.text) {
          diff++;
          if (!b || statuses(b.s) !== statuses(a.s)) statusFlips++;
          console.log(`  round ${round} differs on ${key}:\n    round 1: ${a.text}\n    now:     ${b?.text ?? 'missing'}`);
          for (const c of b?.s.checks ?? []) {
            const c1 = a.s.checks.find((x) => x.id === c.id);
            if (c1 && c1.status !== c.status) console.log(`    ${c.id}: ${c.message}`);
          }
        }
      }
    }
    differing += diff;
    const total = res.submissions.reduce((a, s) => a + s.score, 0);
    console.log(`round ${round}: ${fmt((performance.now() - t0) / 1000, 1)} s, total score ${fmt(total, 2)}, ${diff ? `${diff} verdicts differ from round 1` : 'verdicts identical to round 1'}`);
  }
} finally {
  hogs?.stop();
  removeDir(root);
}
console.log(
  differing
    ? `\nUNSTABLE: ${differing} submission verdicts differed from round 1 across ${rounds} rounds (${statusFlips} with a check changing status, ${differing - statusFlips} in partial credit only)`
    : `\nstable: identical verdicts in all ${rounds} rounds`,
);
process.exitCode = differing ? 1 : 0;
