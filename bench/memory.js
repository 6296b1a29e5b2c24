// Harness memory: peak RSS of the grading process while grading a submission that floods its
// output (an endless print loop), at several output caps. Each case runs in a fresh Node
// process so one case's heap does not hide another's.
//
// Env: BENCH_MEMORY_CAPS_MB="1,16,64" (output caps; 1 MB is the default limit).

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dist, fmt, printMachine, removeDir, tempDir, tinySpec } from './lib/common.js';

const MB = 1024 * 1024;

if (process.argv[2] === '--case') {
  // Child: grade the flood once, report JSON on stdout.
  const [, , , sub, capMb] = process.argv;
  const { gradeOne } = await dist('batch/grade-one.js');
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const spec = tinySpec('flood', { limits: { outputBytes: Number(capMb) * MB, wallMs: 20_000 } });
  const t0 = performance.now();
  const r = await gradeOne(spec, sub, {});
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const run = r.runs[0];
  const bytes = run.trace.reduce((a, l) => a + Buffer.byteLength(l.text) + 1, 0);
  console.log(
    JSON.stringify({ baseline, peak, lines: run.trace.length, bytes, end: run.end, truncated: run.truncated, ms: performance.now() - t0, results: JSON.stringify(r).length }),
  );
  process.exit(0);
}

printMachine('Harness memory while grading a submission that floods its output');
const caps = (process.env.BENCH_MEMORY_CAPS_MB ?? '1,16,64').split(',').map(Number);
const root = tempDir();
try {
  const sub = join(root, 'flood');
  mkdirSync(sub);
  writeFileSync(join(sub, 'main.py'), "line = 'x' * 99\nwhile True:\n    print(line)\n");
  console.log('\nprogram: `while True: print("x" * 99)` — ended by the output cap\n');
  console.log('| output cap | how it ended | lines kept | trace bytes | results JSON | grading time | RSS before | peak RSS | growth |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const cap of caps) {
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--case', sub, String(cap)], { encoding: 'utf8' });
    const m = JSON.parse(out.trim().split('\n').pop());
    console.log(
      `| ${cap} MB | ${m.end}${m.truncated ? ' (truncated)' : ''} | ${m.lines} | ${fmt(m.bytes / MB, 1)} MB | ${fmt(m.results / MB, 1)} MB | ${fmt(m.ms / 1000, 1)} s | ${fmt(m.baseline / MB, 0)} MB | ${fmt(m.peak / MB, 0)} MB | ${fmt((m.peak - m.baseline) / MB, 0)} MB |`,
    );
  }
} finally {
  removeDir(root);
}
