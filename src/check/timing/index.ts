/**
 * Timing constructs (Konrad & Cheng's real-time patterns): a line at a time ± tolerance, the
 * delay between two lines (bounded response, minimum/maximum distance), bounded recurrence
 * (`every`), and total runtime. Tolerances and at_most bounds are multiplied by
 * `timing.scale`; at_least bounds are not (a slow grader only makes things later). Under a
 * virtual clock times are exact; the same code applies.
 */
export { evalAt } from './at.js';
export { evalDelay } from './delay.js';
export { evalEvery } from './every.js';
export { evalRuntime } from './runtime.js';
