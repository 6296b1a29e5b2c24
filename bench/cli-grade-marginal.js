// Marginal cost of one more submission in `tracegrade grade` (whole CLI process, --jobs 1,
// every report written): (time for 2N submissions − time for N) / N, against its floor measured
// in the same rounds: the bare interpreter running the same program in a minimal sandbox of the
// same level. Target: ≤ 1.2× the floor. The program prints one line; the spec checks its exit.
//
// Env: BENCH_MARGINAL_N=10 (N), BENCH_MARGINAL_ROUNDS=3, BENCH_SANDBOX=auto|bwrap|rlimit|none.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envInt, fmt, median, printMachine, removeDir, tempDir } from './lib/common.js';
import { benchSandbox, printLoad, runCli, timeFloor } from './lib/cli.js';

const n = envInt('BENCH_MARGINAL_N', 10);
const rounds = envInt('BENCH_MARGINAL_ROUNDS', 3);
const level = await benchSandbox();

const SPEC = `name: trivial
title: Prints hello
run:
  runtime: python
  entry: main.py
  clock: real
checks:
  - id: exits
    title: Exits normally
    exit_code: 0
`;

function makeClass(root, name, count) {
  const dir = join(root, name);
  for (let k = 0; k < count; k++) {
    const sub = join(dir, `s${String(k).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'main.py'), "print('hello')\n");
  }
  return dir;
}

printMachine(`Marginal cost of a submission in \`tracegrade grade\` (N = ${n} vs 2N = ${2 * n}, --jobs 1) vs a bare sandboxed interpreter`);
const root = tempDir();
try {
  const spec = join(root, 'trivial.yaml');
  writeFileSync(spec, SPEC);
  const small = makeClass(root, 'small', n);
  const big = makeClass(root, 'big', 2 * n);
  const one = join(small, 's0000');
  const grade = (cls, out) => runCli(['grade', spec, cls, '--jobs', '1', '--sandbox', level, '--out', join(root, out)]);
  await grade(small, 'warm'); // page cache, probe cache
  const t = { small: [], big: [], floor: [] };
  for (let r = 0; r < rounds; r++) {
    t.small.push((await grade(small, `o${r}s`)).ms);
    for (let i = 0; i < 5; i++) t.floor.push(await timeFloor(level, ['main.py'], one));
    t.big.push((await grade(big, `o${r}b`)).ms);
    removeDir(join(root, `o${r}s`));
    removeDir(join(root, `o${r}b`));
  }
  const marginal = (median(t.big) - median(t.small)) / n;
  const floor = median(t.floor);
  console.log(`\n${rounds} rounds (N, floor ×5, 2N), medians; sandbox ${level}; all reporters\n`);
  console.log('| what | median |');
  console.log('|---|---|');
  console.log(`| grade of N = ${n} | ${fmt(median(t.small) / 1000, 2)} s |`);
  console.log(`| grade of 2N = ${2 * n} | ${fmt(median(t.big) / 1000, 2)} s |`);
  console.log(`| fixed part (N·2 − 2N) | ${fmt((2 * median(t.small) - median(t.big)) / 1000, 2)} s |`);
  console.log(`| **marginal cost a submission** ((2N − N) / N) | ${fmt(marginal, 1)} ms |`);
  console.log(`| **floor**: \`python main.py\` in a minimal ${level} sandbox | ${fmt(floor, 1)} ms |`);
  console.log(`\nmarginal / floor = ${fmt(marginal / floor, 2)}× (target ≤ 1.2×)${marginal / floor > 1.2 ? ' — ABOVE TARGET' : ''}`);
} finally {
  removeDir(root);
  printLoad('after');
}
