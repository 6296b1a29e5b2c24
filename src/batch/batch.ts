/** Batch grading — the CLI's entry point: plan, pool, resume, shard, merge, progress. */

export type { BatchOptions, GradeEvents, GradeOptions, Job, Shard } from './types.js';
export { gradeOne, effectiveSpec, errorResult, submissionId } from './grade-one.js';
export { planJobs, expandSpecPaths, compareJobs, PlanError, type Plan } from './plan.js';
export { runPool, defaultJobs, cores } from './pool.js';
export { parseShard, shardJobs, ShardError } from './shard.js';
export { gradeAll, jobsFor } from './grade-all.js';
export { merge, MergeError, type MergeOptions } from './merge.js';
export { assembleResults, compareResults } from './results.js';
export { createProgress, progressLine, progressBar, formatDuration } from './progress.js';
export { storeRoot, resultPath } from './store.js';
export { acquireLock, lockPath, LockError, type LockInfo } from './lock.js';
export { writeFileAtomic } from '../report/atomic.js';
