/** Shared helpers for the batch tests: tiny specs, temp submission trees, a minimal real engine. */

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../src/spec/types.js';
import type { RunRecord, TraceLine } from '../src/trace/types.js';
import type { Engine } from '../src/batch/engine.js';

export function makeSpec(name: string, over: Partial<Spec['run']> = {}, file = ''): Spec {
  return {
    name,
    title: `Spec ${name}`,
    file,
    run: { runtime: 'python', entry: 'main.py', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all', ...over },
    timing: { tolerance: { ms: 150 }, scale: 1 },
    aliases: {},
    checks: [
      {
        id: 'says-done',
        title: 'Prints done',
        points: 1,
        visibility: 'visible',
        requires: [],
        partial: false,
        body: { kind: 'exists', line: { kind: 'text', pattern: 'done', stream: 'stdout', occurrence: 'first', display: "'done'" } },
      },
    ],
  };
}

export function tempDir(prefix = 'tg-batch-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Write files given as { 'a/b/main.py': 'print(1)' } under root. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
}

let python: string | undefined;
/** The real interpreter behind the pyenv shim (the shim costs ~50 ms a run). */
export function realPython(): string {
  python ??= execFileSync('python3', ['-c', 'import os,sys;print(os.path.realpath(sys.executable))'], { encoding: 'utf8' }).trim();
  return python;
}

export function sleeper(seconds: number, done = 'done'): string {
  return `import time\nprint('start', flush=True)\ntime.sleep(${seconds})\nprint('${done}', flush=True)\n`;
}

/**
 * A minimal real engine for tests of batch logic: runs `python main.py` (or the file) in
 * place, stamps lines on arrival, passes the single check when a line equals its pattern.
 * Counts how many runs are in flight at once (`maxInFlight`) and their total time (`busyMs`).
 */
export function pythonEngine(): Engine & { maxInFlight: number; runs: number; busyMs: number } {
  let inFlight = 0;
  const eng = {
    maxInFlight: 0,
    runs: 0,
    /** The runs' durations added up: what they would take one after the other. */
    busyMs: 0,
    async run(req: Parameters<Engine['run']>[0]): Promise<RunRecord> {
      inFlight++;
      eng.runs++;
      eng.maxInFlight = Math.max(eng.maxInFlight, inFlight);
      try {
        const isFile = req.submission.endsWith('.py');
        const entry = isFile ? req.submission : join(req.submission, req.spec.run.entry ?? 'main.py');
        const t0 = performance.now();
        const trace: TraceLine[] = [];
        const child = spawn(realPython(), ['-u', entry], { stdio: ['ignore', 'pipe', 'pipe'] });
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          let k: number;
          while ((k = buf.indexOf('\n')) >= 0) {
            trace.push({ tMs: performance.now() - t0, stream: 'stdout', text: buf.slice(0, k) });
            buf = buf.slice(k + 1);
          }
        });
        const code: number | null = await new Promise((res) => child.on('close', (c) => res(c)));
        eng.busyMs += performance.now() - t0;
        return {
          exitCode: code, signal: null, timedOut: false, truncated: false, end: 'exited',
          wallMs: performance.now() - t0, clock: 'real', sandbox: { level: 'none' }, trace,
        };
      } finally {
        inFlight--;
      }
    },
    score(spec: Spec, runs: RunRecord[], meta: { id: string; path: string; gradedAt: string; durationMs: number }) {
      const check = spec.checks[0]!;
      const pattern = check.body.kind === 'exists' ? check.body.line.pattern : '';
      const ok = runs.every((r) => r.trace.some((l) => l.text === pattern));
      return {
        id: meta.id, path: meta.path, spec: spec.name, specFile: spec.file, specTitle: spec.title,
        score: ok ? check.points : 0, maxScore: check.points,
        checks: [{ id: check.id, title: check.title, status: ok ? ('passed' as const) : ('failed' as const), points: ok ? check.points : 0,
          maxPoints: check.points, message: ok ? 'seen' : 'not seen', visibility: check.visibility, lines: [], windows: [] }],
        runs, gradedAt: meta.gradedAt, durationMs: meta.durationMs,
      };
    },
  };
  return eng;
}

/** Results without what differs between two real runs of the same programs (times). */
export function withoutTimes<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (k, v) => (['gradedAt', 'createdAt', 'durationMs', 'wallMs', 'tMs', 'realMs', 'cpuMs', 'maxRssKb'].includes(k) ? undefined : v)),
  ) as T;
}

/** What must not change between two real runs of the same programs: order, scores, per-check statuses. */
export function verdicts(results: { jobs?: number; submissions: Array<{ spec: string; id: string; path: string; score: number; maxScore: number; error?: string; checks: Array<{ id: string; status: string; points: number }> }> }) {
  return {
    jobs: results.jobs,
    submissions: results.submissions.map((s) => ({
      key: `${s.spec}/${s.id}`,
      path: s.path,
      score: s.score,
      maxScore: s.maxScore,
      error: s.error ?? null,
      checks: s.checks.map((c) => `${c.id}=${c.status}:${c.points}`),
    })),
  };
}
