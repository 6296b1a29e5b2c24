/**
 * `tracegrade/jest`: importing this module adds tracegrade's matchers to Jest's global `expect`
 * (`toSatisfySpec`, `toPrintInOrder`, `toPrintWithin`) and gives the `run` helper, so that
 *
 * ```js
 * import { run } from 'tracegrade/jest';
 * test('event loop', async () => {
 *   await expect(run('submission/main.js')).toSatisfySpec('specs/node-event-loop.yaml');
 * });
 * ```
 *
 * fails with the report `tracegrade check` prints. With `injectGlobals: false`, call
 * `expect.extend(matchers)` yourself. Guide: docs/library.md.
 *
 * @packageDocumentation
 */

import type { GradeOptions } from '../batch/types.js';
import type { Spec } from '../spec/types.js';
import { matchers, type Duration, type PrintInOrderOptions, type PrintWithinOptions } from './matchers.js';

export { matchers, type Duration, type PrintInOrderOptions, type PrintWithinOptions } from './matchers.js';
export type { Received } from './received.js';
export { run, RunPromise, type SubmissionRunOptions } from '../lib/run.js';

const jestExpect = (globalThis as { expect?: { extend?: (m: object) => void } }).expect;
if (typeof jestExpect?.extend === 'function') jestExpect.extend(matchers);

declare global {
  // The `jest` namespace of @types/jest: `expect(x).toSatisfySpec(…)` type-checks in TypeScript tests.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R, T = {}> {
      /** Passes every check of the spec (a path or a loaded spec); on failure, the CLI's report. */
      toSatisfySpec(spec: string | Spec, options?: GradeOptions): Promise<R>;
      /** Prints these lines in this order (an `order` check). */
      toPrintInOrder(lines: string[], options?: PrintInOrderOptions): Promise<R>;
      /** Prints `line` within the bounds (a `delay` check after `after`, or an `at` check from the start). */
      toPrintWithin(line: string, bounds: PrintWithinOptions | Duration): Promise<R>;
    }
  }
}
