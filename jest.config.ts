import { createDefaultEsmPreset, type JestConfigWithTsJest } from 'ts-jest';

const preset = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });

// The suite runs its own fixtures at every level, as root too (CI): it opts in to the weak
// levels explicitly; tests of the fail-closed default unset it (docs/sandbox.md).
process.env.TRACEGRADE_ACCEPT_NO_ISOLATION ??= '1';

const config: JestConfigWithTsJest = {
  ...preset,
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sources import siblings as './x.js' (NodeNext ESM); Jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
};

export default config;
