// Virtual vs real clock at the CLI: `tracegrade grade` of a lesson's bundled submissions,
// --jobs 1, once per clock per round (whole processes, all reports written), the wall-time
// ratio (median real / median virtual), and whether both clocks gave every submission the same
// verdicts (each check's status). Lessons: fetch-and-count (Python; target: virtual ≥ 30×
// faster) and node-event-loop (Node; 0.5 s programs, so process start-up bounds the ratio).
// Then the Node runner alone on a longer program: 30 s of setTimeout chains
// (test/fixtures/node-virtual/chain-30s), real vs virtual, same lines.
//
// Env: BENCH_CLI_VVR_ROUNDS=1, BENCH_CLI_VVR_LESSONS=fetch-and-count,node-event-loop,
// BENCH_CLI_VVR_CHAIN=1 (0 skips the 30 s real run), BENCH_SANDBOX=auto|bwrap|rlimit|none.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, envInt, fmt, median, printMachine, removeDir, tempDir } from './lib/common.js';
import { benchSandbox, printLoad, runCli, timeFloor } from './lib/cli.js';

const rounds = envInt('BENCH_CLI_VVR_ROUNDS', 1);
const lessons = (process.env.BENCH_CLI_VVR_LESSONS ?? 'fetch-and-count,node-event-loop').split(',').filter(Boolean);
const TARGET = { 'fetch-and-count': 30 };
const level = await benchSandbox();

const verdicts = (out) =>
  Object.fromEntries(
    JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).submissions.map((s) => [s.id, s.checks.map((c) => `${c.id}=${c.status}`).join(' ')]),
  );

printMachine(`Virtual vs real clock at the CLI: \`tracegrade grade\` of bundled lessons (${lessons.join(', ')}), --jobs 1`);
const root = tempDir();
try {
  // The target is absolute (≥ 30×) while the virtual side is CPU work: say how fast this host is now.
  const floor = [];
  for (let i = 0; i < 5; i++) floor.push(await timeFloor(level, ['-c', 'pass']));
  console.log(`\nthis host now: \`python -c pass\` in a minimal ${level} sandbox ${fmt(median(floor), 1)} ms (median of 5)`);
  console.log(`\n${rounds} round(s) per clock, medians; sandbox ${level}; every reporter\n`);
  console.log('| lesson | submissions | real (median) | virtual (median) | speed-up | same verdicts |');
  console.log('|---|---|---|---|---|---|');
  const notes = [];
  for (const lesson of lessons) {
    const spec = join(ROOT, 'specs', `${lesson}.yaml`);
    const subs = join(ROOT, 'submissions', lesson);
    const t = { real: [], virtual: [] };
    const v = {};
    for (let r = 0; r < rounds; r++) {
      for (const clock of ['virtual', 'real']) {
        const out = join(root, `${lesson}-${clock}-${r}`);
        t[clock].push((await runCli(['grade', spec, subs, '--jobs', '1', '--clock', clock, '--sandbox', level, '--out', out])).ms);
        v[clock] ??= verdicts(out);
        removeDir(out);
      }
    }
    const ids = Object.keys(v.real);
    const same = ids.filter((id) => v.real[id] === v.virtual[id]);
    const ratio = median(t.real) / median(t.virtual);
    const target = TARGET[lesson];
    const below = target && ratio < target ? ` (target ≥ ${target}×: BELOW)` : target ? ` (target ≥ ${target}×)` : '';
    console.log(`| ${lesson} | ${ids.length} | ${fmt(median(t.real) / 1000, 2)} s | ${fmt(median(t.virtual) / 1000, 2)} s | **${fmt(ratio, 1)}×**${below} | ${same.length}/${ids.length} |`);
    for (const id of ids.filter((i) => !same.includes(i))) notes.push(`  ${lesson}/${id} differs:\n    real:    ${v.real[id]}\n    virtual: ${v.virtual[id]}`);
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  if (envInt('BENCH_CLI_VVR_CHAIN', 1)) await chain();
} finally {
  removeDir(root);
  printLoad('after');
}

/** The runner on a Node program with 30 s of timers, once per clock. */
async function chain() {
  process.env.TRACEGRADE_ACCEPT_NO_ISOLATION ??= '1';
  const { runSubmission } = await import('../dist/run/index.js');
  const settings = (clock) => ({ runtime: 'node', entry: 'main.js', args: [], env: {}, files: [], limits: { wallMs: 60_000 }, clock, repeat: 1, policy: 'all' });
  const lines = {};
  const ms = {};
  for (const clock of ['virtual', 'real']) {
    const t0 = performance.now();
    const r = await runSubmission({ submission: join(ROOT, 'test', 'fixtures', 'node-virtual', 'chain-30s'), settings: settings(clock), sandbox: level });
    ms[clock] = performance.now() - t0;
    lines[clock] = r.trace.map((l) => l.text).join('|');
  }
  console.log(`\nNode, 30 s of setTimeout chains (runner only, sandbox ${level}): real ${fmt(ms.real / 1000, 2)} s, virtual ${fmt(ms.virtual / 1000, 2)} s — **${fmt(ms.real / ms.virtual, 0)}×**; same lines: ${lines.real === lines.virtual ? 'yes' : 'NO'}`);
}
