// Timing accuracy: the parent-side timestamp of every line (what tracegrade judges) against
// the child's own clock (time.monotonic() printed on the line), for sleep-bound programs like
// the lesson's, at several levels of parallelism, idle and with every core busy.
//
// Error of line i = (tMs_i - tMs_0) - (mono_i - mono_0) in ms: how late the parent saw the line
// relative to the first one. Also: start-up lag = tMs of the first line (spawn → first print).
//
// Third scenario, the harness busy: the timing programs graded in the same batch as heavy
// submissions (each prints BENCH_TA_HEAVY_LINES lines at once and is scored against the
// fetch-and-count spec), while the same process renders every report of an already graded batch
// of BENCH_TA_RENDER such submissions, again and again until the batch is done. Line stamps are
// taken on the harness's event loop: `grade` scores in worker threads while runs are in flight
// (src/batch/score-pool.ts); the rendering here stays on the loop (`grade` renders after the batch).
//
// Env: BENCH_TA_PARALLEL="1,2,4,8" (levels), BENCH_TA_ROUNDS=2 (programs per level = rounds × level),
//      BENCH_TA_LINES=20, BENCH_TA_PERIOD_MS=50, BENCH_TA_SANDBOX=auto,
//      BENCH_TA_HEAVY=2 (heavy submissions per timing program), BENCH_TA_HEAVY_LINES=5000,
//      BENCH_TA_RENDER=100 (submissions in the batch whose reports render alongside),
//      BENCH_TA_SCENARIOS=idle,busy,scoring,rendering (which tables to measure).

import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { ROOT, dist, envInt, fmt, median, printMachine, quantile, removeDir, startCpuHogs, tempDir, tinySpec } from './lib/common.js';

const { gradeAll } = await dist('batch/grade-all.js');
const { writeReports } = await dist('report/index.js');
const { loadSpecFile } = await dist('spec/load.js');

const levels = (process.env.BENCH_TA_PARALLEL ?? '1,2,4,8').split(',').map(Number).filter((n) => n > 0);
const rounds = envInt('BENCH_TA_ROUNDS', 2);
const lines = envInt('BENCH_TA_LINES', 20);
const periodMs = envInt('BENCH_TA_PERIOD_MS', 50);
const sandbox = process.env.BENCH_TA_SANDBOX ?? 'auto';
const heavyPer = envInt('BENCH_TA_HEAVY', 2);
const heavyLines = envInt('BENCH_TA_HEAVY_LINES', 5000);
const renderN = envInt('BENCH_TA_RENDER', 100);
const scenarios = new Set((process.env.BENCH_TA_SCENARIOS ?? 'idle,busy,scoring,rendering').split(','));

const program = `import asyncio, time
async def main():
    for i in range(${lines}):
        print(f"{i} {time.monotonic():.6f}")
        await asyncio.sleep(${periodMs / 1000})
asyncio.run(main())
`;

async function measure(level, root, busy = null) {
  const dir = join(root, `p${level}`);
  const jobs = [];
  const spec = tinySpec('timing');
  for (let k = 0; k < level * rounds; k++) {
    const sub = join(dir, `s${String(k).padStart(3, '0')}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'main.py'), program);
    jobs.push({ spec, submission: sub, id: `s${k}` });
    // Busy harness: heavy submissions interleaved with the timing ones, graded by the same pool.
    for (let h = 0; busy && h < heavyPer; h++) jobs.push({ spec: busy.spec, submission: busy.sub, id: `heavy-${k}-${h}` });
  }
  let rendering = null;
  let renders = 0;
  let stop = false;
  if (busy?.render) {
    rendering = (async () => {
      while (!stop) {
        await writeReports(busy.results, { outDir: join(dir, 'reports'), env: {}, stdout: { write() {} } });
        renders++;
      }
    })();
  }
  // How late the grading process's own event loop ran: lines are stamped there on arrival.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const res = await gradeAll(jobs, { jobs: level, outDir: join(dir, 'out'), sandbox });
  stop = true;
  await rendering;
  loop.disable();
  res.submissions = res.submissions.filter((s) => s.spec === 'timing');
  const errors = [];
  const startLag = [];
  const oversleep = [];
  let sandboxLevel = '?';
  for (const s of res.submissions) {
    const run = s.runs[0];
    if (!run || run.error) throw new Error(`run failed: ${run?.error ?? s.error}`);
    sandboxLevel = run.sandbox.level;
    const parsed = run.trace.filter((l) => l.stream === 'stdout').map((l) => ({ t: l.tMs, mono: Number(l.text.split(' ')[1]) * 1000 }));
    if (parsed.length !== lines) throw new Error(`expected ${lines} lines, got ${parsed.length}`);
    startLag.push(parsed[0].t + (run.startupMs ?? 0)); // spawn → first print: tMs counts from the program's start
    for (let i = 1; i < parsed.length; i++) {
      errors.push(parsed[i].t - parsed[0].t - (parsed[i].mono - parsed[0].mono));
      // The child's own lateness: how much longer than asked its sleep took (scheduling, not stamping).
      oversleep.push(parsed[i].mono - parsed[i - 1].mono - periodMs);
    }
  }
  const abs = errors.map(Math.abs);
  return {
    level,
    programs: res.submissions.length,
    sandbox: sandboxLevel,
    median: median(abs),
    p99: quantile(abs, 0.99),
    max: Math.max(...abs),
    over10: abs.filter((e) => e > 10).length / abs.length,
    startMedian: median(startLag),
    startP99: quantile(startLag, 0.99),
    loopP99: loop.percentile(99) / 1e6,
    overP99: quantile(oversleep, 0.99),
    overMax: Math.max(...oversleep),
    loopMax: loop.max / 1e6,
    renders,
  };
}

function table(title, rows) {
  console.log(`\n${title}`);
  console.log('| parallel | programs | sandbox | line error median | p99 | max | lines > 10 ms late | start-up lag median | p99 | harness event-loop delay p99 | max | child oversleep p99 | max |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.level} | ${r.programs} | ${r.sandbox} | ${fmt(r.median, 2)} ms | ${fmt(r.p99, 2)} ms | ${fmt(r.max, 1)} ms | ${fmt(100 * r.over10, 1)} % | ${fmt(r.startMedian, 0)} ms | ${fmt(r.startP99, 0)} ms | ${fmt(r.loopP99, 1)} ms | ${fmt(r.loopMax, 1)} ms | ${fmt(r.overP99, 1)} ms | ${fmt(r.overMax, 1)} ms |`,
    );
  }
}

printMachine('Timing accuracy: parent-side line timestamps vs the child\'s own clock');
console.log(`programs print time.monotonic() on each of ${lines} lines, awaiting asyncio.sleep(${periodMs / 1000}) between them; ${rounds} batch rounds per level`);
const root = tempDir();
try {
  if (scenarios.has('idle')) {
    const idle = [];
    for (const level of levels) idle.push(await measure(level, join(root, 'idle')));
    table('idle machine', idle);
  }
  if (scenarios.has('busy')) {
    const hogs = startCpuHogs(undefined, 600);
    const busy = [];
    try {
      for (const level of levels) busy.push(await measure(level, join(root, 'busy')));
    } finally {
      hogs.stop();
    }
    table(`every core busy (${hogs.pids.length} busy-loop processes, killed at the end)`, busy);
  }

  // The harness busy: heavy submissions scored in the same batch, reports rendering alongside.
  const loaded = await loadSpecFile(join(ROOT, 'specs', 'fetch-and-count.yaml'));
  const heavySub = join(root, 'heavy');
  mkdirSync(heavySub);
  writeFileSync(join(heavySub, 'main.py'), `for i in range(${heavyLines}):\n    print(f"fetched item {i} of ${heavyLines}")\n`);
  const one = await gradeAll([{ spec: loaded.spec, submission: heavySub, id: 'heavy' }], { jobs: 1, outDir: join(root, 'heavy-out'), sandbox });
  const results = {
    tool: { name: 'tracegrade', version: 'bench' },
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    submissions: Array.from({ length: renderN }, (_, i) => ({ ...one.submissions[0], id: `heavy-${String(i).padStart(4, '0')}` })),
  };
  const scoring = [];
  if (scenarios.has('scoring')) for (const level of levels) scoring.push(await measure(level, join(root, 'scoring'), { spec: loaded.spec, sub: heavySub }));
  if (scoring.length) table(`harness busy scoring: ${heavyPer} heavy submissions (${heavyLines} lines each, scored against fetch-and-count) per timing program, in the same batch (as \`grade\` of a mixed class runs)`, scoring);
  const harness = [];
  if (scenarios.has('rendering')) for (const level of levels) harness.push(await measure(level, join(root, 'harness'), { spec: loaded.spec, sub: heavySub, results, render: true }));
  if (harness.length) table(
    `harness busy scoring and rendering: as above, and the reports of ${renderN} such submissions rendered over and over in the same process (${harness.map((r) => r.renders).join('/')} full renders per level)`,
    harness,
  );
} finally {
  removeDir(root);
}
