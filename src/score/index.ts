export type * from './types.js';
export { scoreSubmission, maxScore, type SubmissionMeta } from './score.js';
export { combineRuns, combinedStatus, creditOf, policyCredit, round2, type Policy } from './combine.js';
export { checkEarned, checkLost, exactPercent, percentOf, submissionCredit, tamperReason, type CheckCredit, type CreditState, type SubmissionCredit, type SubmissionStatus } from './credit.js';
export { buildCreditModel, creditModel, type CheckRate, type CreditModel, type GroupCredit } from './credit-groups.js';
