// A/B at the CLI: the same commands run by this checkout and by another one (BENCH_AB_OTHER: a
// built checkout of another commit, e.g. `git archive main | tar -x -C /tmp/main && cd /tmp/main
// && ln -s $PWD/node_modules . && npx tsc -p tsconfig.build.json`), interleaved, medians. Skips
// (exit 0, with the reason) without BENCH_AB_OTHER.
//
// Env: BENCH_AB_OTHER=/path/to/checkout, BENCH_AB_N=10, BENCH_SANDBOX=auto|bwrap|rlimit|none.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, envInt, fmt, median, printMachine } from './lib/common.js';
import { benchSandbox, printLoad, timeProcess } from './lib/cli.js';

const other = process.env.BENCH_AB_OTHER;
if (!other || !existsSync(join(other, 'dist', 'cli', 'main.js'))) {
  console.log(`\n## A/B at the CLI: skipped (set BENCH_AB_OTHER to a built checkout of another commit${other ? `; ${other} has no dist/cli/main.js` : ''})`);
  process.exit(0);
}
const n = envInt('BENCH_AB_N', 10);
const level = await benchSandbox();
const sub = join(ROOT, 'submissions', 'fetch-and-count', 'reference');
const commands = {
  'check, virtual clock': ['check', sub, '--spec', join(ROOT, 'specs', 'fetch-and-count.yaml'), '--clock', 'virtual', '--sandbox', level],
  'validate specs/': ['validate', join(ROOT, 'specs')],
  '--version': ['--version'],
};

printMachine(`A/B at the CLI: ${ROOT} (this) vs ${other} (other)`);
const t = {};
for (const name of Object.keys(commands)) t[name] = { this: [], other: [] };
for (let i = 0; i < n + 1; i++) {
  for (const [name, args] of Object.entries(commands)) {
    for (const [who, root] of [['this', ROOT], ['other', other]]) {
      const r = await timeProcess(process.execPath, [join(root, 'bin', 'tracegrade.js'), ...args], { cwd: ROOT });
      if (r.code !== 0 && r.code !== 1) throw new Error(`${who}: tracegrade ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
      if (i > 0) t[name][who].push(r.ms); // the first round warms caches for both
    }
  }
}
console.log(`\n${n} interleaved rounds after a warm-up round, medians; sandbox ${level}\n`);
console.log('| command | this | other | this / other |');
console.log('|---|---|---|---|');
for (const name of Object.keys(commands)) {
  const a = median(t[name].this);
  const b = median(t[name].other);
  console.log(`| ${name} | ${fmt(a, 0)} ms | ${fmt(b, 0)} ms | ${fmt(a / b, 2)} |`);
}
printLoad('after');
