// Once per `jest` run, before any worker starts (workers inherit the environment):
// - TRACEGRADE_SEED: the one fast-check seed of the run (given = replay; else random), which
//   test/seed-setup.ts applies to every property and test/summary-reporter.cjs prints;
// - TRACEGRADE_TEST_RUN: a temp dir where test/facilities.ts keeps what it detected, so the
//   probes run once per run and the reporter can say why tests were skipped.
// Plain JavaScript: Jest loads this file natively, without the TypeScript module mapping.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup() {
  const given = process.env.TRACEGRADE_SEED;
  if (given !== undefined && given !== '' && !/^-?\d+$/.test(given)) {
    throw new Error(`TRACEGRADE_SEED=${given}: expected an integer seed, as a test run printed it`);
  }
  process.env.TRACEGRADE_SEED = given ? String(Number(given) | 0) : String((Math.random() * 2 ** 32) | 0);
  process.env.TRACEGRADE_TEST_RUN ??= mkdtempSync(join(tmpdir(), 'tracegrade-test-run-'));
}
