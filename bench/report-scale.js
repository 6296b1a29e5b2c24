// Reports at scale (issue 15): synthetic results for N submissions of specs/fetch-and-count.yaml
// (scored by the real engine from generated traces), then the real CLI as whole processes:
//   report   `tracegrade report results.json` into a fresh folder (every file written)
//   again    the same command once more (nothing changed: nothing should be rewritten)
//   resume   `tracegrade grade --resume` of a finished run (every result stored; reports written before;
//            the first such run, which writes every report from the stored results, is in the curve)
//   merge    `tracegrade merge` of two shards into a fresh folder
//   open     index.html loaded in headless Chromium (time to the load event)
// Each step's wall time, CPU time and peak RSS (from /usr/bin/time -v), the size of index.html,
// the machine and the load average; then the curve (CPU per submission, and the marginal CPU of
// each added submission between two sizes, which is flat when the cost is linear) and one
// verdict line per target of issue 15.
//
// Env: BENCH_SCALE_N="100,1000" (BENCH_FULL: 100,1000,3000,10000), BENCH_SCALE_STEPS="report,again,resume,merge,open",
//      BENCH_SCALE_JSON=1 (one JSON line per N as well, for the test suite), BENCH_SCALE_KEEP=1 (keep the folders).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dist, fmt, printMachine, removeDir, ROOT, tempDir } from './lib/common.js';

const full = process.env.BENCH_FULL === '1';
const sizes = (process.env.BENCH_SCALE_N ?? (full ? '100,1000,3000,10000' : '100,1000')).split(',').map(Number);
const steps = new Set((process.env.BENCH_SCALE_STEPS ?? 'report,again,resume,merge,open').split(','));
const BIN = join(ROOT, 'bin', 'tracegrade.js');
const SPEC = join(ROOT, 'specs', 'fetch-and-count.yaml');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MB = 1024 * 1024;

const { loadSpecFile } = await dist('spec/load.js');
const { scoreSubmission } = await dist('score/score.js');
const { stringifyResults } = await dist('report/json.js');
const { planJobs } = await dist('batch/plan.js');
const { storeKey, writeStored } = await dist('batch/store.js');
const { storeSecret } = await dist('batch/seal.js');
const { assembleResults } = await dist('batch/results.js');

/** A run of the lesson program: correct, sequential, late "done", or a crash, with jitter. */
function syntheticRun(i) {
  const kind = i % 4;
  const jitter = (k) => ((i * 7919 + k * 104729) % 37) - 18;
  const trace = [];
  const line = (tMs, text, stream = 'stdout') => trace.push({ tMs: Math.max(0, tMs), stream, text });
  line(1, 'start fetching');
  const seq = kind === 1 ? 2000 : 0;
  for (let n = 0; n < 10; n++) {
    if (kind !== 1 && n === 8) line(2000 + jitter(99) + (kind === 2 ? 600 : 0), 'done fetching');
    line(seq + n * 250 + jitter(n), String(n));
  }
  if (kind === 1) line(2000, 'done fetching');
  line(trace[trace.length - 1].tMs + 1, "{'data': 1}");
  if (kind === 3) {
    line(2300, 'Traceback (most recent call last):', 'stderr');
    line(2301, 'ZeroDivisionError: division by zero', 'stderr');
  }
  trace.sort((a, b) => a.tMs - b.tMs);
  const wallMs = trace[trace.length - 1].tMs + 20;
  return {
    exitCode: kind === 3 ? 1 : 0, signal: null, timedOut: false, truncated: false, end: 'exited', wallMs,
    clock: 'real', sandbox: { level: 'bwrap' }, runtime: 'python3 (3.11.7)', trace,
  };
}

/** N submission folders, their stored results (a finished run), results.json and two shards. */
async function build(n, dir) {
  const loaded = await loadSpecFile(SPEC);
  const spec = loaded.spec;
  const subs = join(dir, 'subs');
  for (let i = 0; i < n; i++) {
    const d = join(subs, `s${String(i).padStart(5, '0')}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'main.py'), `# submission ${i}\nprint('start fetching')\n`);
  }
  const plan = await planJobs([spec], [subs]);
  const results = [];
  const specCache = new Map();
  // The run folder's sealing key, made as `grade` makes it, so the stored results verify.
  const secret = steps.has('resume') ? await storeSecret(join(dir, 'run')) : null;
  for (const [i, job] of plan.jobs.entries()) {
    const r = scoreSubmission(spec, [syntheticRun(i)], { id: job.id, path: job.submission, gradedAt: '2026-12-01T10:00:00.000Z', durationMs: 2600 });
    results.push(r);
    // As `grade` stores it: the same key, so `--resume` reuses it.
    if (steps.has('resume')) await writeStored(join(dir, 'run'), job, await storeKey(job, {}, specCache), r, secret);
  }
  writeFileSync(join(dir, 'results.json'), stringifyResults(assembleResults(results, { jobs: 2 })));
  for (const k of steps.has('merge') ? [1, 2] : []) {
    mkdirSync(join(dir, `shard-${k}`));
    const half = results.filter((_, i) => i % 2 === k - 1);
    writeFileSync(join(dir, `shard-${k}`, 'results.json'), stringifyResults(assembleResults(half, { jobs: 2, shard: { index: k, count: 2 } })));
  }
  return { bytes: statSync(join(dir, 'results.json')).size };
}

/** Run the CLI as a whole process: wall time, peak RSS, exit status. */
function cli(args) {
  const argv = [process.execPath, BIN, ...args];
  const t0 = performance.now();
  const r = TIME ? spawnSync(TIME, ['-v', ...argv], { encoding: 'utf8' }) : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const ms = performance.now() - t0;
  const num = (re) => Number(re.exec(r.stderr)?.[1] ?? NaN);
  const rss = TIME ? num(/Maximum resident set size \(kbytes\): (\d+)/) * 1024 : NaN;
  // CPU seconds (user + system): what the process itself cost, whatever else loads the machine.
  const cpuMs = TIME ? (num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/)) * 1000 : NaN;
  if (r.status !== 0) throw new Error(`tracegrade ${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return { ms, rss, cpuMs, stderr: r.stderr };
}

async function openInChromium(file) {
  if (!existsSync('/usr/bin/chromium')) return { ms: NaN, note: 'no /usr/bin/chromium' };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto('about:blank');
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { ms: performance.now() - t0 };
  } finally {
    await browser.close();
  }
}

printMachine('Reports at scale: whole CLI processes on synthetic results');
const load0 = os.loadavg();
console.log(`nproc ${os.cpus().length} · load average ${load0.map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min) at the start · peak RSS by ${TIME ? '/usr/bin/time -v' : 'n/a (no /usr/bin/time)'}`);
console.log('\nEach cell: wall time (CPU time of the process, and per submission) · peak RSS.');
console.log('\n| submissions | results.json | index.html | report (fresh) | report again | grade --resume (finished) | merge 2 shards | Chromium opens index.html |');
console.log('|---:|---:|---:|---|---|---|---|---:|');
const rows = [];
for (const n of sizes) {
  const dir = process.env.BENCH_SCALE_KEEP === '1' ? mkdtempSync(join(os.tmpdir(), 'tg-scale-')) : tempDir('tg-scale-');
  try {
    const b = await build(n, dir);
    const row = { n, resultsBytes: b.bytes };
    const cell = (m) => (m ? `${fmt(m.ms / 1000, 2)} s (CPU ${fmt(m.cpuMs / 1000, 2)} s, ${fmt(m.cpuMs / n, 2)} ms/sub) · ${fmt(m.rss / MB, 0)} MB` : '—');
    const reporters = ['--reporter', 'json,junit,html,gradescope'];
    if (steps.has('report')) row.report = cli(['report', join(dir, 'results.json'), '--out', join(dir, 'r1'), ...reporters]);
    if (steps.has('report')) row.indexBytes = statSync(join(dir, 'r1', 'index.html')).size;
    if (steps.has('again') && row.report) row.again = cli(['report', join(dir, 'results.json'), '--out', join(dir, 'r1'), ...reporters]);
    if (steps.has('resume')) {
      const args = ['grade', SPEC, join(dir, 'subs'), '--out', join(dir, 'run'), '--resume', '--jobs', '2', ...reporters];
      row.resumeFirst = cli(args); // writes every report of the finished run from the store (as a fresh grade does)
      row.resume = cli(args);
      if (!/\b0 submissions? to grade|reused/.test(row.resume.stderr) && row.resume.ms > 60_000) row.resumeNote = 'graded again (store keys differ)';
    }
    if (steps.has('merge')) row.merge = cli(['merge', join(dir, 'shard-1', 'results.json'), join(dir, 'shard-2', 'results.json'), '--out', join(dir, 'm'), ...reporters]);
    if (steps.has('open') && row.indexBytes) row.open = await openInChromium(join(dir, 'r1', 'index.html'));
    rows.push(row);
    console.log(
      `| ${n} | ${fmt(b.bytes / MB, 1)} MB | ${row.indexBytes ? `${fmt(row.indexBytes / MB, 2)} MB` : '—'} | ${cell(row.report)} | ${cell(row.again)} | ${cell(row.resume)}${row.resumeNote ? ` (${row.resumeNote})` : ''} | ${cell(row.merge)} | ${row.open ? `${fmt(row.open.ms, 0)} ms` : '—'} |`,
    );
    if (process.env.BENCH_SCALE_JSON === '1') {
      const pick = (m) => (m ? { ms: m.ms, cpuMs: m.cpuMs, rss: m.rss } : undefined);
      console.log(`JSON ${JSON.stringify({ n, resultsBytes: b.bytes, indexBytes: row.indexBytes, report: pick(row.report), again: pick(row.again), resumeFirst: pick(row.resumeFirst), resume: pick(row.resume), merge: pick(row.merge), openMs: row.open?.ms })}`);
    }
  } finally {
    if (process.env.BENCH_SCALE_KEEP === '1') console.log(`(kept ${dir})`);
    else removeDir(dir);
  }
}
const STEPS = [['report', 'report (fresh)'], ['again', 'report again'], ['resumeFirst', 'grade --resume writing every report'], ['resume', 'grade --resume (finished)'], ['merge', 'merge 2 shards']];
const measured = STEPS.filter(([k]) => rows.some((r) => r[k]));
if (measured.length && rows.length > 1) {
  // The curve: CPU per submission at each size, and the marginal CPU per added submission
  // between consecutive sizes ((CPU(N2) − CPU(N1)) / (N2 − N1): the start-up cost cancels out).
  console.log('\nThe curve: CPU ms per submission at each size (marginal ms per added submission since the size before) · peak RSS.');
  console.log(`\n| step | ${rows.map((r) => `N = ${r.n}`).join(' | ')} |`);
  console.log(`|---|${rows.map(() => '---').join('|')}|`);
  for (const [k, label] of measured) {
    const cells = rows.map((r, j) => {
      const m = r[k];
      if (!m) return '—';
      const prev = rows[j - 1]?.[k];
      const marginal = prev ? ` (${fmt((m.cpuMs - prev.cpuMs) / (r.n - rows[j - 1].n), 2)})` : '';
      return `${fmt(m.cpuMs / r.n, 2)}${marginal} · ${fmt(m.rss / MB, 0)} MB`;
    });
    console.log(`| ${label} | ${cells.join(' | ')} |`);
  }
}
console.log('\nTargets (issue 15):');
const verdict = (ok, text) => console.log(`${ok === undefined ? 'n/a ' : ok ? 'MET ' : 'MISSED'} ${text}`);
for (const [k, label] of measured) {
  const worst = rows.filter((r) => r[k]).reduce((a, r) => (r[k].rss > a.rss ? { n: r.n, rss: r[k].rss } : a), { n: 0, rss: 0 });
  verdict(worst.rss < 200 * MB, `${label}: peak RSS < 200 MB at every size (highest ${fmt(worst.rss / MB, 0)} MB, at N = ${worst.n})`);
}
const at1000 = rows.find((r) => r.n === 1000);
verdict(at1000?.resume ? at1000.resume.ms < 1000 : undefined, `grade --resume of a finished 1,000-submission run < 1 s wall${at1000?.resume ? ` (${fmt(at1000.resume.ms / 1000, 2)} s; CPU ${fmt(at1000.resume.cpuMs / 1000, 2)} s)` : ''}`);
verdict(at1000?.indexBytes ? at1000.indexBytes < 2 * MB : undefined, `index.html < 2 MB at 1,000${at1000?.indexBytes ? ` (${fmt(at1000.indexBytes / MB, 2)} MB)` : ''}`);
verdict(at1000?.open && Number.isFinite(at1000.open.ms) ? at1000.open.ms < 1000 : undefined, `Chromium opens index.html < 1 s at 1,000${at1000?.open ? ` (${fmt(at1000.open.ms, 0)} ms)` : ''}`);
// Linear (or better): from 1,000 up, the marginal CPU of a submission does not grow (a third's margin).
for (const [k, label] of measured) {
  const big = rows.filter((r, j) => j > 0 && r[k] && rows[j - 1][k] && rows[j - 1].n >= 1000);
  const marg = big.map((r) => { const p = rows[rows.indexOf(r) - 1]; return (r[k].cpuMs - p[k].cpuMs) / (r.n - p.n); });
  const ok = marg.length >= 2 ? marg.every((m) => m <= Math.max(0.1, marg[0]) * 1.34) : undefined;
  verdict(ok, `${label}: linear from 1,000 up (marginal CPU ms per submission: ${marg.length ? marg.map((x) => fmt(x, 2)).join(', ') : 'needs two sizes ≥ 1,000'})`);
}
const load1 = os.loadavg();
console.log(`\nload average at the end: ${load1.map((x) => x.toFixed(2)).join(' ')}. Times are whole processes (Node start-up included), so the first row carries the fixed cost.`);
