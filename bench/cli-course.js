// The course assignment (specs/python-async.yaml: five course drivers as named runs, 11 bundled
// submissions) graded as an instructor would on every push: `tracegrade grade` as a whole
// process under the virtual clock (the spec's own), --jobs 2, medians of several rounds, with
// its floor in the same rounds (one bare sandboxed `python -c pass` per run the batch makes:
// submissions × drivers). Then the reference alone in real time, once, for scale: the seconds a
// correct submission's real random delays take.
//
// Env: BENCH_COURSE_ROUNDS=3, BENCH_COURSE_REAL=1 (0 skips the ~40 s real run),
// BENCH_SANDBOX=auto|bwrap|rlimit|none.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, envInt, fmt, median, printMachine, removeDir, tempDir } from './lib/common.js';
import { benchSandbox, printLoad, runCli, timeFloor } from './lib/cli.js';

const rounds = envInt('BENCH_COURSE_ROUNDS', 3);
const level = await benchSandbox();
const spec = join(ROOT, 'specs', 'python-async.yaml');
const subs = join(ROOT, 'submissions', 'python-async');
const ids = readdirSync(subs).sort();
const DRIVERS = 5;

printMachine('The course assignment at the CLI: `tracegrade grade` of python-async (11 submissions × 5 drivers), virtual clock, --jobs 2');
const root = tempDir();
try {
  const grade = [];
  const floor = [];
  let results = null;
  const floorDir = tempDir('tg-bench-floor-');
  for (let r = 0; r < rounds; r++) {
    const out = join(root, `virtual-${r}`);
    grade.push((await runCli(['grade', spec, subs, '--jobs', '2', '--sandbox', level, '--out', out])).ms);
    results ??= JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    removeDir(out);
    // The floor: the same number of bare interpreter starts, two at a time.
    const t0 = performance.now();
    const n = ids.length * DRIVERS;
    for (let i = 0; i < n; i += 2) await Promise.all([timeFloor(level, ['-c', 'pass'], floorDir), ...(i + 1 < n ? [timeFloor(level, ['-c', 'pass'], floorDir)] : [])]);
    floor.push(performance.now() - t0);
  }
  removeDir(floorDir);
  const full = results.submissions.filter((s) => s.score === s.maxScore).length;
  console.log(`\n${rounds} round(s), medians; sandbox ${level}\n`);
  console.log('| what | time | vs floor |');
  console.log('|---|---|---|');
  console.log(`| grade 11 submissions × 5 drivers, virtual clock, every reporter | ${fmt(median(grade) / 1000, 2)} s | ${fmt(median(grade) / median(floor), 1)}× |`);
  console.log(`| floor: ${ids.length * DRIVERS} bare \`python -c pass\` at level ${level}, 2 at a time | ${fmt(median(floor) / 1000, 2)} s | 1× |`);
  console.log(`\n${results.submissions.length} graded, ${full} at full marks (docs/expected-scores.md: 4 on Python 3.9+)`);
  if (envInt('BENCH_COURSE_REAL', 1)) {
    const out = join(root, 'real');
    const ms = (await runCli(['grade', spec, join(subs, 'reference'), '--clock', 'real', '--sandbox', level, '--out', out])).ms;
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).submissions[0];
    console.log(`the reference alone in real time: ${fmt(ms / 1000, 1)} s (${r.score}/${r.maxScore}); under the virtual clock the whole class takes ${fmt(median(grade) / 1000, 1)} s`);
  }
} finally {
  removeDir(root);
  printLoad('after');
}
