// Virtual vs real clock at the CLI: `tracegrade grade` of the bundled fetch-and-count
// submissions, --jobs 1, once per clock per round (whole processes, all reports written), the
// wall-time ratio (median real / median virtual), and whether both clocks gave every submission
// the same verdicts (each check's status). Target: virtual ≥ 30× faster.
//
// Env: BENCH_CLI_VVR_ROUNDS=1, BENCH_SANDBOX=auto|bwrap|rlimit|none.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, envInt, fmt, median, printMachine, removeDir, tempDir } from './lib/common.js';
import { benchSandbox, printLoad, runCli } from './lib/cli.js';

const rounds = envInt('BENCH_CLI_VVR_ROUNDS', 1);
const level = await benchSandbox();
const spec = join(ROOT, 'specs', 'fetch-and-count.yaml');
const subs = join(ROOT, 'submissions', 'fetch-and-count');

const verdicts = (out) =>
  Object.fromEntries(
    JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).submissions.map((s) => [s.id, s.checks.map((c) => `${c.id}=${c.status}`).join(' ')]),
  );

printMachine(`Virtual vs real clock at the CLI: \`tracegrade grade\` of the bundled fetch-and-count submissions, --jobs 1`);
const root = tempDir();
try {
  const t = { real: [], virtual: [] };
  const v = {};
  for (let r = 0; r < rounds; r++) {
    for (const clock of ['virtual', 'real']) {
      const out = join(root, `${clock}-${r}`);
      t[clock].push((await runCli(['grade', spec, subs, '--jobs', '1', '--clock', clock, '--sandbox', level, '--out', out])).ms);
      v[clock] ??= verdicts(out);
      removeDir(out);
    }
  }
  const ids = Object.keys(v.real);
  const same = ids.filter((id) => v.real[id] === v.virtual[id]);
  const ratio = median(t.real) / median(t.virtual);
  console.log(`\n${ids.length} submissions, ${rounds} round(s) per clock, medians; sandbox ${level}; every reporter\n`);
  console.log('| clock | wall time (median) | all rounds |');
  console.log('|---|---|---|');
  for (const c of ['real', 'virtual']) console.log(`| ${c} | ${fmt(median(t[c]) / 1000, 2)} s | ${t[c].map((x) => fmt(x / 1000, 2)).join(', ')} |`);
  console.log(`\nvirtual is ${fmt(ratio, 1)}× faster (target ≥ 30×)${ratio < 30 ? ' — BELOW TARGET' : ''}; same verdicts in both clocks: ${same.length}/${ids.length}`);
  for (const id of ids.filter((i) => !same.includes(i))) console.log(`  differs: ${id}\n    real:    ${v.real[id]}\n    virtual: ${v.virtual[id]}`);
} finally {
  removeDir(root);
  printLoad('after');
}
