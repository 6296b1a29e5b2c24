/** The run stage: sandboxed execution of one submission into a timed RunRecord. */

export { runSubmission, prepareRun, explainEnd, type RunOptions, type PreparedRun } from './runner.js';
export {
  probeSandbox,
  chooseSandbox,
  requireSandbox,
  resetSandboxProbes,
  SandboxUnavailableError,
  LEVELS as SANDBOX_LEVELS,
  type ProbeResult,
  type SandboxChoice,
} from './sandbox/index.js';
export { resolveRuntime, resetRuntimeCache, InterpreterError, type ResolvedRuntime } from './interpreter.js';
export { prepareWorkDir, SubmissionError, type WorkDir } from './workdir.js';
export { TraceCapture } from './capture.js';
export { DEFAULT_LIMITS, resolveLimits, formatBytes, formatMs } from './limits.js';
export { translateWrapperExit, signalName } from './sandbox/signals.js';
