// Virtual vs real clock: grades every bundled fetch-and-count submission once per clock mode,
// one at a time (the same runner, sandbox and checks; only the clock differs), and prints the
// wall time per mode, the ratio, and whether each submission got the same verdicts in both.
//
// Then, because virtual-clock runs do not compete for timing, the virtual mode once more with
// one run per core at a time (how a class is graded with --clock virtual).
//
// Env: BENCH_SANDBOX=auto|bwrap|rlimit|none (default auto), BENCH_VVR_ROUNDS=1 (rounds per mode).
// `npm run build` first (or `npm run bench virtual`).

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, dist, envInt, fmt, printMachine, realPython } from './lib/common.js';

const { runSubmission } = await dist('run/index.js');
const { evaluateChecks } = await dist('check/index.js');
const { loadSpecFile } = await dist('spec/load.js');
const { instrumentPython } = await dist('run/instrument/index.js');
const { TraceCapture } = await dist('run/capture.js');

const rounds = envInt('BENCH_VVR_ROUNDS', 1);
const loaded = await loadSpecFile(join(ROOT, 'specs', 'fetch-and-count.yaml'));
if (!loaded.spec) {
  console.error('specs/fetch-and-count.yaml does not load:', loaded.diagnostics.map((d) => d.message).join('; '));
  process.exit(1);
}
const spec = loaded.spec;
const traceTasks = spec.checks.some((c) => c.body.kind === 'tasks');
const bundled = join(ROOT, 'submissions', 'fetch-and-count');
const subs = readdirSync(bundled).filter((d) => !d.startsWith('.')).sort();

printMachine(`Virtual vs real clock: ${subs.length} bundled fetch-and-count submissions, one at a time`);

let sandbox = process.env.BENCH_SANDBOX ?? 'auto';
const settingsFor = (clock) => ({ ...spec.run, clock, traceTasks: traceTasks || spec.run.traceTasks });

// The in-process clock must actually load under the chosen sandbox; say so when it does not.
const probe = await runSubmission({ submission: join(bundled, subs.includes('reference') ? 'reference' : subs[0]), settings: settingsFor('virtual'), sandbox });
if (probe.clock !== 'virtual') {
  console.log(`note: under sandbox level '${probe.sandbox.level}' the virtual clock did not load (${probe.clockFallback}); using --sandbox rlimit for both modes`);
  sandbox = 'rlimit';
}

async function gradeAll(clock, parallel = 1) {
  const per = {};
  const t0 = performance.now();
  const queue = [];
  for (let r = 0; r < rounds; r++) for (const s of subs) queue.push(s);
  const worker = async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const s0 = performance.now();
      const run = await runSubmission({ submission: join(bundled, s), settings: settingsFor(clock), sandbox });
      const outcomes = evaluateChecks(spec, run);
      per[s] = {
        ms: performance.now() - s0,
        clock: run.clock,
        fallback: run.clockFallback,
        level: run.sandbox.level,
        verdicts: outcomes.map((o) => `${o.id}:${o.status}`).join(' '),
        passed: outcomes.filter((o) => o.status === 'passed').length,
        total: outcomes.length,
        end: run.end,
      };
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { per, secs: (performance.now() - t0) / 1000 };
}

const load0 = os.loadavg()[0];
const real = await gradeAll('real');
const virt = await gradeAll('virtual');
const cores = os.cpus().length;
const virtPar = await gradeAll('virtual', cores);

console.log('\n| submission | real clock | virtual clock | checks passed (real / virtual) | same verdicts |');
console.log('|---|---|---|---|---|');
let same = 0;
for (const s of subs) {
  const a = real.per[s];
  const b = virt.per[s];
  const eq = a.verdicts === b.verdicts;
  if (eq) same++;
  const vnote = b.clock === 'virtual' ? '' : ` (ran in real time: ${b.fallback})`;
  console.log(`| ${s} | ${fmt(a.ms / 1000, 2)} s | ${fmt(b.ms / 1000, 2)} s${vnote} | ${a.passed}/${a.total} · ${b.passed}/${b.total} | ${eq ? 'yes' : `NO — real: ${a.verdicts} · virtual: ${b.verdicts}`} |`);
}
const ratio = real.secs / virt.secs;
console.log(`\nsandbox level: ${virt.per[subs[0]].level}; rounds per mode: ${rounds}`);
console.log(`real clock:    ${fmt(real.secs, 2)} s wall for ${subs.length * rounds} runs`);
console.log(`virtual clock: ${fmt(virt.secs, 2)} s wall for ${subs.length * rounds} runs`);
console.log(`virtual clock, ${cores} at a time: ${fmt(virtPar.secs, 2)} s wall`);
console.log(`ratio: virtual is ${fmt(ratio, 1)}× faster one at a time, ${fmt(real.secs / virtPar.secs, 1)}× with ${cores} at a time (target ≥ 20×) · same verdicts in both modes: ${same}/${subs.length}`);
console.log(`load average while measuring: ${fmt(load0, 1)} → ${fmt(os.loadavg()[0], 1)} on ${cores} cores (the machine may be shared)`);
if (ratio < 20) console.log('below the 20× target on this machine — see docs/virtual-time.md (the per-run floor is interpreter start-up and sandbox set-up)');

// Part 2: the interpreter alone (no runner, no sandbox, no grading), to separate what the
// clock saves from the harness's per-run floor.
async function bare(sub, clock) {
  const instr = clock === 'virtual' ? instrumentPython({ ...spec.run, clock: 'virtual' }) : null;
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...(instr ? { ...instr.env, PYTHONPATH: instr.pythonPath.join(':') } : {}) };
  const t0 = performance.now();
  await new Promise((resolve) => {
    const child = spawn(realPython().path, ['main.py'], { cwd: join(bundled, sub), env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    // The parent owns virtual time: it must see the lines and answer the clock's requests.
    const capture = new TraceCapture({ outputLimit: 1 << 20 });
    child.stdout.on('data', (c) => capture.push('stdout', c));
    child.stderr.on('data', (c) => capture.push('stderr', c));
    child.stdio[3].on('data', (c) => instr?.onChannelData(c));
    instr?.attach({ channel: child.stdio[3], capture, pid: child.pid });
    const timer = setTimeout(() => child.kill('SIGTERM'), spec.run.limits?.wallMs ?? 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return performance.now() - t0;
}
let bareReal = 0;
let bareVirt = 0;
for (const s of subs) {
  bareReal += await bare(s, 'real');
  bareVirt += await bare(s, 'virtual');
}
console.log(`\ninterpreter alone (no runner, sandbox or grading), same 12 programs, one at a time:`);
console.log(`real clock ${fmt(bareReal / 1000, 2)} s · virtual clock ${fmt(bareVirt / 1000, 2)} s · ratio ${fmt(bareReal / bareVirt, 1)}×`);
console.log(`harness floor per run ≈ ${fmt((virt.secs * 1000 - bareVirt) / subs.length / rounds, 0)} ms on top of the interpreter (sandbox, work dir, capture, grading)`);
