// Timing accuracy: the parent-side timestamp of every line (what tracegrade judges) against
// the child's own clock (time.monotonic() printed on the line), for sleep-bound programs like
// the lesson's, at several levels of parallelism, idle and with every core busy.
//
// Error of line i = (tMs_i - tMs_0) - (mono_i - mono_0) in ms: how late the parent saw the line
// relative to the first one. Also: start-up lag = tMs of the first line (spawn → first print).
//
// Env: BENCH_TA_PARALLEL="1,2,4,8" (levels), BENCH_TA_ROUNDS=2 (programs per level = rounds × level),
//      BENCH_TA_LINES=20, BENCH_TA_PERIOD_MS=50, BENCH_TA_SANDBOX=auto.

import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { dist, envInt, fmt, median, printMachine, quantile, removeDir, startCpuHogs, tempDir, tinySpec } from './lib/common.js';

const { gradeAll } = await dist('batch/grade-all.js');

const levels = (process.env.BENCH_TA_PARALLEL ?? '1,2,4,8').split(',').map(Number).filter((n) => n > 0);
const rounds = envInt('BENCH_TA_ROUNDS', 2);
const lines = envInt('BENCH_TA_LINES', 20);
const periodMs = envInt('BENCH_TA_PERIOD_MS', 50);
const sandbox = process.env.BENCH_TA_SANDBOX ?? 'auto';

const program = `import asyncio, time
async def main():
    for i in range(${lines}):
        print(f"{i} {time.monotonic():.6f}")
        await asyncio.sleep(${periodMs / 1000})
asyncio.run(main())
`;

async function measure(level, root) {
  const dir = join(root, `p${level}`);
  const jobs = [];
  const spec = tinySpec('timing');
  for (let k = 0; k < level * rounds; k++) {
    const sub = join(dir, `s${String(k).padStart(3, '0')}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'main.py'), program);
    jobs.push({ spec, submission: sub, id: `s${k}` });
  }
  // How late the grading process's own event loop ran: lines are stamped there on arrival.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const res = await gradeAll(jobs, { jobs: level, outDir: join(dir, 'out'), sandbox });
  loop.disable();
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
  const idle = [];
  for (const level of levels) idle.push(await measure(level, join(root, 'idle')));
  table('idle machine', idle);

  const hogs = startCpuHogs(undefined, 600);
  const busy = [];
  try {
    for (const level of levels) busy.push(await measure(level, join(root, 'busy')));
  } finally {
    hogs.stop();
  }
  table(`every core busy (${hogs.pids.length} busy-loop processes, killed at the end)`, busy);
} finally {
  removeDir(root);
}
