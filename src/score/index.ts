export type * from './types.js';
export { scoreSubmission, maxScore, type SubmissionMeta } from './score.js';
export { combineRuns, combinedStatus, creditOf, policyCredit, round2, type Policy } from './combine.js';
