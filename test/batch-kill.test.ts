/**
 * A grading process killed for real (SIGKILL) half way: every stored result is whole, and
 * --resume grades only what is missing and ends with the results of an uninterrupted run.
 * The killed process runs the compiled batch module (dist/, built by `npm test`).
 */

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradeAll } from '../src/batch/grade-all.js';
import { planJobs } from '../src/batch/plan.js';
import { storeRoot } from '../src/batch/store.js';
import type { Job } from '../src/batch/types.js';
import { makeSpec, removeDir, sleeper, tempDir, verdicts, writeTree } from './batch-helpers.js';

const DIST = join(process.cwd(), 'dist', 'batch', 'grade-all.js');

describe('resume after a real kill', () => {
  let root: string;
  let jobs: Job[];
  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (npm test does)`);
    root = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`subs/s${i}/main.py`] = sleeper(0.3, i === 5 ? 'wrong' : 'done');
    writeTree(root, files);
    jobs = (await planJobs([makeSpec('killme')], [join(root, 'subs')])).jobs;
  });
  afterAll(() => removeDir(root));

  it('SIGKILL after 3 stored results; resume grades the other 5 and matches an uninterrupted run', async () => {
    const out = join(root, 'out');
    const script = join(root, 'grade.mjs');
    writeFileSync(
      script,
      `import { gradeAll } from ${JSON.stringify(DIST)};
const jobs = JSON.parse(process.argv[2]);
await gradeAll(jobs, { jobs: 2, outDir: ${JSON.stringify(out)}, sandbox: 'none' });
`,
    );
    const child = spawn(process.execPath, [script, JSON.stringify(jobs)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const dir = join(storeRoot(out), 'killme');
    const stored = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []);
    const killedAt = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const n = stored().length;
        if (n >= 3) {
          child.kill('SIGKILL');
          clearInterval(timer);
          resolve(n);
        }
      }, 5);
      child.on('exit', (code) => {
        clearInterval(timer);
        if (code !== null) reject(new Error(`the grading process ended by itself (${code}): ${stderr}`));
      });
    });
    await new Promise((r) => child.once('close', r));
    expect(child.signalCode).toBe('SIGKILL');
    const files = stored();
    expect(files.length).toBeGreaterThanOrEqual(killedAt);
    expect(files.length).toBeLessThan(jobs.length);
    // Atomic writes: every result file present is complete JSON.
    const before = new Map(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')).result]));

    const started: string[] = [];
    const resumed = await gradeAll(jobs, { jobs: 2, outDir: out, sandbox: 'none', resume: true }, { onStart: (j) => started.push(j.id) });
    expect(started.sort()).toEqual(jobs.map((j) => j.id).filter((id) => !before.has(`${id}.json`)).sort());
    for (const [f, r] of before) expect(resumed.submissions.find((s) => `${s.id}.json` === f)).toEqual(r);

    const full = await gradeAll(jobs, { jobs: 2, outDir: join(root, 'full'), sandbox: 'none' });
    expect(verdicts(resumed)).toEqual(verdicts(full));
    expect(resumed.submissions.map((s) => s.score)).toEqual([1, 1, 1, 1, 1, 0, 1, 1]);
  });
});
