/**
 * Runs in every test file before its tests (Jest setupFiles): every fast-check property of the
 * run uses the run's one seed, chosen by test/global-setup.mjs and printed at the end by
 * test/summary-reporter.cjs. Replay a run with TRACEGRADE_SEED=<seed> npm test. Per-call
 * options (numRuns) still apply; fast-check's failure message also names the seed.
 */

import fc from 'fast-check';

// A file run through a config without the global setup gets a seed of its own.
process.env.TRACEGRADE_SEED ??= String((Math.random() * 2 ** 32) | 0);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.TRACEGRADE_SEED) });
