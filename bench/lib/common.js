// Shared helpers for the benchmarks: machine description, statistics, temp dirs, CPU hogs.
// Plain Node ESM; the code under test is imported from dist/ (run `npm run build` first).

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');

/** Import a compiled module, with a clear message when the build is missing. */
export async function dist(rel) {
  const file = join(DIST, rel);
  if (!existsSync(file)) {
    console.error(`${file} is missing — run \`npm run build\` (or \`npm run bench\`, which builds first).`);
    process.exit(2);
  }
  return import(file);
}

let python;
/** The real interpreter behind the pyenv shim, and its version. */
export function realPython() {
  if (!python) {
    const out = execFileSync('python3', ['-c', 'import os,sys,platform;print(os.path.realpath(sys.executable));print(platform.python_version())'], {
      encoding: 'utf8',
    }).trim().split('\n');
    python = { path: out[0], version: out[1] };
  }
  return python;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(os.freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    node: process.version,
    python: realPython().version,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}

export function printMachine(title) {
  const m = machine();
  console.log(`\n## ${title}`);
  console.log(`machine: ${m.cpu} · ${m.cores} cores · ${m.memory} · ${m.os} · Node ${m.node} · Python ${m.python} · ${m.date}`);
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min)`);
}

/** Integer from the environment, else the default. */
export function envInt(name, def) {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : def;
}

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (v) => quantile(v, 0.5);
export const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

export function tempDir(prefix = 'tg-bench-') {
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  process.once('exit', () => removeDir(dir)); // also when a signal ends the benchmark early
  return dir;
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Load every core with busy-loop processes for at most `maxSeconds` (each hog also stops itself,
 * so none outlives a crashed benchmark by more than that). Returns stop(), which kills them all.
 */
export function startCpuHogs(count = os.cpus().length, maxSeconds = 300) {
  const hogs = [];
  for (let i = 0; i < count; i++) {
    const hog = spawn(process.execPath, ['-e', `const end = Date.now() + ${maxSeconds * 1000}; while (Date.now() < end) {}`], {
      stdio: 'ignore',
    });
    // The load stands for other processes: normal priority, whatever this benchmark runs at.
    try {
      os.setPriority(hog.pid, 0);
    } catch {
      /* not permitted: keeps ours */
    }
    hogs.push(hog);
  }
  const stop = () => {
    for (const h of hogs) {
      if (h.exitCode === null && h.signalCode === null) {
        try {
          h.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  };
  process.once('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  return { pids: hogs.map((h) => h.pid), stop };
}

/** A minimal in-memory spec for the benchmarks' own programs (no spec file needed). */
export function tinySpec(name, over = {}) {
  return {
    name,
    title: name,
    file: '',
    run: { runtime: 'python', entry: 'main.py', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all', ...over },
    timing: { tolerance: { ms: 150 }, scale: 1 },
    aliases: {},
    checks: [
      {
        id: 'exits',
        title: 'Exits normally',
        points: 1,
        visibility: 'visible',
        requires: [],
        partial: false,
        body: { kind: 'exit_code', code: 0 },
      },
    ],
  };
}
