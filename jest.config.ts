import { availableParallelism } from 'node:os';
import { createDefaultEsmPreset, type JestConfigWithTsJest } from 'ts-jest';

const preset = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });

// The suite runs its own fixtures at every level, as root too (CI): it opts in to the weak
// levels explicitly; tests of the fail-closed default unset it (docs/sandbox.md).
process.env.TRACEGRADE_ACCEPT_NO_ISOLATION ??= '1';

// Shared by both projects.
const common = {
  ...preset,
  testEnvironment: 'node',
  // Sources import siblings as './x.js' (NodeNext ESM); Jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Every fast-check property uses the run's seed (printed at the end; TRACEGRADE_SEED replays it).
  setupFiles: ['<rootDir>/test/seed-setup.ts'],
};

const config: JestConfigWithTsJest = {
  // Once per run: the seed, and which facilities (bwrap, Chromium, xmllint, Pythons) are here.
  globalSetup: '<rootDir>/test/global-setup.mjs',
  // Jest's default on 2 cores is one worker; the e2e files mostly wait on real programs (the
  // CPU was ~45 % busy with two workers), so three run side by side on 2 cores (measured:
  // README, "Tests"); their timing checks are written for a loaded machine.
  maxWorkers: Math.max(3, availableParallelism()),
  // A global option (Jest ignores it per project); real runs on a loaded 2-core machine need it.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
  projects: [
    // The pure engine, spec loader and helpers: no child process, no real clock (files: temp dirs, docs/).
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.test.ts'] },
    // Real programs, the sandbox, the compiled CLI, the browser.
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.test.ts'] },
  ],
};

export default config;
