/**
 * Issue 10 item 6: every bundled spec, run on correct programs it was not written from
 * (test/fixtures/variants/<spec>/<variant>/: gather, a TaskGroup, asyncio.wait, as_completed,
 * ensure_future, wait_for, lines of their own on stdout and stderr, logging to stderr), gets
 * full marks under the real and under the virtual clock. A spec that fails one of them is
 * checking something its ids do not say.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeOne } from '../src/batch/grade-one.js';
import { loadSpecFile } from '../src/spec/load.js';
import type { Spec } from '../src/spec/types.js';
import { levelFor } from './facilities.js';
import { interpreters, pool } from './virtual-helpers.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const VARIANTS = path.join(ROOT, 'test', 'fixtures', 'variants');
const PY = interpreters();
const NEWEST = PY[PY.length - 1]!;

interface Item {
  spec: Spec;
  dir: string;
  label: string;
}

/** "# Python 3.11+" on a variant's first line: the oldest Python it is written for. */
function minMinor(dir: string): number {
  const file = readdirSync(dir).find((f) => f.endsWith('.py'));
  const first = file ? readFileSync(path.join(dir, file), 'utf8').split('\n')[0]! : '';
  const m = /Python 3\.(\d+)\+/.exec(first);
  return m ? Number(m[1]) : 8;
}

async function items(): Promise<Item[]> {
  const out: Item[] = [];
  for (const name of readdirSync(VARIANTS).sort()) {
    const { spec } = await loadSpecFile(path.join(ROOT, 'specs', `${name}.yaml`));
    if (!spec) throw new Error(`test/fixtures/variants/${name}: no spec specs/${name}.yaml`);
    for (const v of readdirSync(path.join(VARIANTS, name)).sort()) {
      const dir = path.join(VARIANTS, name, v);
      if (spec.run.runtime === 'python' && minMinor(dir) > NEWEST.minor) {
        console.log(`skipped ${name}/${v}: needs Python 3.${minMinor(dir)}+, the newest here is ${NEWEST.version}`);
        continue;
      }
      out.push({ spec, dir, label: `${name}/${v}` });
    }
  }
  return out;
}

/** The checks that did not pass in full, with their messages (empty for full marks). */
async function shortfall(it: Item, clock: 'real' | 'virtual'): Promise<string[]> {
  // gradeOne: a spec with named runs (the course assignment) runs each of its drivers.
  const r = await gradeOne(it.spec, it.dir, {
    clock,
    // Real time on a busy CI runner (three Jest workers, two of these at once, on 2 cores): a
    // correct program's 250 ms tick once stood 472 ms apart. --time-scale 2, the CLI's answer
    // for slow machines, doubles the tolerances; looser bounds cannot fail a correct variant.
    ...(clock === 'real' ? { timeScale: 2 } : {}),
    sandbox: await levelFor(NEWEST.exe),
    ...(it.spec.run.runtime === 'python' ? { interpreter: NEWEST.exe } : {}),
  });
  return r.checks
    .filter((c) => c.status !== 'passed' || (c.fraction ?? 1) < 1)
    .map((c) => `${it.label} (${clock} clock): ${c.id} ${c.status}: ${c.message}`);
}

/**
 * Real time for every spec whose own clock is real. A spec that sets `clock: virtual` (the
 * course assignment: its drivers take ~40 s of real delays) is graded in real time by
 * test/course-python-async.test.ts, on its reference.
 */
const inRealTime = (it: Item): boolean => it.spec.run.clock === 'real';

test('every bundled spec gives full marks to correct variants, under both clocks', async () => {
  const all = await items();
  const specs = new Set(all.map((i) => i.spec.name));
  // Every bundled spec has variants, and fetch-and-count the most (its structure checks).
  const bundled = readdirSync(path.join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
  expect([...specs].sort()).toEqual(bundled.sort());
  expect(all.filter((i) => i.spec.name === 'fetch-and-count').length).toBeGreaterThanOrEqual(6);
  // Real runs two at a time (timing stays honest on 2 cores); virtual ones three at a time.
  const real = await pool(all.filter(inRealTime).map((it) => () => shortfall(it, 'real')), 2);
  const virt = await pool(all.map((it) => () => shortfall(it, 'virtual')), 3);
  expect([...real.flat(), ...virt.flat()]).toEqual([]);
}, 300_000);
