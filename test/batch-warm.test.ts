/**
 * The warm pool (src/batch/warm-pool.ts, src/run/prepare.ts), with real processes in the real
 * sandbox: a batch with it gives the results a batch without it gives; a pre-started run runs
 * none of the program before its go, counts its times and its wall-time limit from go, and a
 * discarded one leaves no process and no folder behind.
 */

import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gradeAll } from '../src/batch/grade-all.js';
import type { Job } from '../src/batch/types.js';
import { prepareRun } from '../src/run/runner.js';
import type { GradeResults } from '../src/score/types.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { RunSettings } from '../src/spec/types.js';
import { makeSpec, removeDir, tempDir, writeTree } from './batch-helpers.js';
import { processesWith } from './run-helpers.js';

const ROOT = resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The run's folder, from the host side: the cwd of the sandbox's outermost process (bwrap, or the
 * program itself without bwrap), an ancestor of the program or of a process in its pid namespace
 * (a forked program's own ancestors are the fork server's).
 */
function runFolder(pids: number[]): string | undefined {
  const read = (f: string) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
  const link = (f: string) => { try { return readlinkSync(f); } catch { return ''; } };
  // Sandboxes' pid namespaces only: the host's would take in every process on the machine (the
  // fork server's child that forks the program is marked too, and lives in the host's).
  const host = link('/proc/self/ns/pid');
  const ns = new Set(pids.map((p) => link(`/proc/${p}/ns/pid`)).filter((n) => n && n !== host));
  const all = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  for (let p of [...pids, ...all.filter((q) => ns.has(link(`/proc/${q}/ns/pid`)))]) {
    for (; p > 1; p = Number(read(`/proc/${p}/stat`).split(') ')[1]?.split(' ')[1] ?? 0)) {
      const cwd = link(`/proc/${p}/cwd`);
      if (cwd.includes('tracegrade-run-')) return dirname(cwd);
    }
  }
  return undefined;
}

async function withWarm<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  const was = process.env.TRACEGRADE_WARM;
  process.env.TRACEGRADE_WARM = on ? '1' : '0';
  try {
    return await f();
  } finally {
    if (was === undefined) delete process.env.TRACEGRADE_WARM;
    else process.env.TRACEGRADE_WARM = was;
  }
}

/** Without bwrap a run's copy lives in its own temporary folder, named in tracebacks and reprs. */
const unplace = (text: string) => text.replace(/[^\s"'<]*tracegrade-run-[^/\s]+\/work\//g, '<work>/');

/** What must not change with the pool: scores, each check's status, each run's lines (and virtual times). */
function verdicts(r: GradeResults) {
  return r.submissions.map((s) => ({
    id: s.id,
    score: s.score,
    checks: s.checks.map((c) => `${c.id}=${c.status}`),
    runs: s.runs.map((run) => ({ end: run.end, lines: run.trace.map((l) => unplace(run.clock === 'virtual' ? `${l.tMs} ${l.text}` : l.text)) })),
  }));
}

describe('a batch with the warm pool', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('tg-warm-');
  });
  afterAll(() => removeDir(dir));

  it('gives the same verdicts, scores and lines as without it: the lesson in virtual time, two runs a submission, --jobs 2', async () => {
    const loaded = await loadSpecFile(join(ROOT, 'specs', 'fetch-and-count.yaml'));
    const spec = { ...loaded.spec!, run: { ...loaded.spec!.run, repeat: 2 } };
    const base = join(ROOT, 'submissions', 'fetch-and-count');
    const jobs: Job[] = readdirSync(base).sort().map((id) => ({ spec, submission: join(base, id), id }));
    const grade = (on: boolean, out: string) => withWarm(on, () => gradeAll(jobs, { jobs: 2, clock: 'virtual', outDir: join(dir, out) }));
    const cold = await grade(false, 'cold');
    const warm = await grade(true, 'warm');
    expect(verdicts(warm)).toEqual(verdicts(cold));
    expect(warm.submissions.length).toBe(jobs.length);
    expect(new Set(warm.submissions.map((s) => s.score)).size).toBeGreaterThan(1); // the lesson's mix of grades
  });

  it('feeds stdin at go and keeps each run its own: a real-clock spec with stdin and three runs, --jobs 1', async () => {
    const spec = makeSpec('echo', { stdin: 'ping\n', repeat: 3 });
    writeTree(dir, {
      'echo/a/main.py': "import sys, os\nprint(sys.stdin.readline().strip(), flush=True)\nprint(sorted(os.listdir('.')))\nopen('mine.txt', 'w').write('x')\nprint('done')\n",
      'echo/b/main.py': "print('no stdin read')\nprint('done')\n",
    });
    const jobs: Job[] = ['a', 'b'].map((id) => ({ spec, submission: join(dir, 'echo', id), id }));
    const cold = await withWarm(false, () => gradeAll(jobs, { jobs: 1, outDir: join(dir, 'echo-cold') }));
    const warm = await withWarm(true, () => gradeAll(jobs, { jobs: 1, outDir: join(dir, 'echo-warm') }));
    expect(verdicts(warm)).toEqual(verdicts(cold));
    // Every run starts from the submission alone: what a previous run wrote is not there.
    expect(warm.submissions[0]!.runs.map((r) => r.trace.map((l) => l.text).slice(0, 2))).toEqual(Array(3).fill(['ping', "['main.py']"]));
  });
});

describe('a pre-started run', () => {
  const base: RunSettings = makeSpec('warm').run;
  let dir: string;
  beforeAll(() => {
    dir = tempDir('tg-warm-run-');
    writeTree(dir, {
      'stamp/main.py': 'import time\nprint(repr(time.time()), flush=True)\n',
      'slow/main.py': "import time\ntime.sleep(0.3)\nprint('done', flush=True)\n",
    });
  });
  afterAll(() => removeDir(dir));

  // The start marker only (real clock), and the whole tracer (a seed turns it on).
  it.each([
    ['the start marker', {}],
    ['the tracer', { seed: 7 }],
  ])("runs none of the program before go, and counts its lines' times from go (%s)", async (_what, over) => {
    const settings: RunSettings = { ...base, ...over };
    const run = prepareRun({ submission: join(dir, 'stamp'), settings }, true);
    await sleep(1500); // long done starting: a program that ran now would print a time before go
    const go = Date.now() / 1000;
    const t0 = performance.now();
    const rec = await run.start();
    const elapsed = performance.now() - t0;
    expect(rec.end).toBe('exited');
    const printed = Number(rec.trace[0]!.text);
    expect(printed).toBeGreaterThanOrEqual(go);
    // From go, not from spawn (1.5 s before): within what start() took.
    expect(rec.trace[0]!.tMs).toBeLessThanOrEqual(elapsed);
    expect(rec.startupMs).toBeGreaterThan(0); // the start-up before go is still recorded
    expect(rec.startupMs!).toBeLessThan(1500); // but not the wait
  });

  // asyncio is loaded ahead when the entry mentions it, but handed over only at the program's own import.
  it.each([
    ['only mentions asyncio', { 'main.py': "# asyncio, the word only\nimport sys\nprint('asyncio' in sys.modules)\n" }],
    ['has its own asyncio.py', { 'main.py': 'import asyncio\nprint(asyncio.MINE)\n', 'asyncio.py': "MINE = 'its own'\n" }],
    ['uses asyncio', { 'main.py': "import asyncio\nasync def main():\n    await asyncio.sleep(0.2)\n    print('done')\nasyncio.run(main())\n" }],
  ])('sees what a cold start sees when the program %s (virtual clock, tasks traced)', async (what, files) => {
    const sub = join(dir, what.replace(/\W+/g, '-'));
    writeTree(sub, files);
    const settings: RunSettings = { ...base, clock: 'virtual', traceTasks: true };
    const seen = async (warm: boolean) => {
      const run = prepareRun({ submission: sub, settings }, warm);
      if (warm) await sleep(500);
      const rec = await run.start();
      return { lines: rec.trace.map((l) => `${l.tMs} ${l.text}`), activity: rec.activity, tasks: rec.tasks?.length ?? 0 };
    };
    expect(await seen(true)).toEqual(await seen(false));
  });

  it('counts its wall-time limit from go: a 0.3 s program under a 1.5 s limit, started 2 s after it was', async () => {
    const settings: RunSettings = { ...base, limits: { wallMs: 1500 } };
    const run = prepareRun({ submission: join(dir, 'slow'), settings }, true);
    await sleep(2000);
    const rec = await run.start();
    expect([rec.end, rec.trace.map((l) => l.text)]).toEqual(['exited', ['done']]);
  });

  it('discarded (the batch ended or was interrupted): its waiting process is killed and its folder removed', async () => {
    const mark = `tg-warm-${Date.now()}`;
    const run = prepareRun({ submission: join(dir, 'slow'), settings: { ...base, args: [mark] } }, true);
    try {
      await sleep(1000);
      // It was there, waiting (started, or forked: the fork server writes its program's argv where ps reads it).
      const pids = processesWith(mark);
      expect(pids.length).toBeGreaterThan(0);
      const folder = runFolder(pids);
      expect(folder).toMatch(/tracegrade-run-/);
      expect(existsSync(folder!)).toBe(true);
      await run.discard();
      expect(processesWith(mark)).toEqual([]);
      expect(existsSync(folder!)).toBe(false);
    } finally {
      await run.discard(); // a failed assertion must not leave it waiting (an hour) behind the test
    }
  });
});
