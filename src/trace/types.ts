/**
 * The timed trace of one run: the data that flows from `run` (which records it) to `check`
 * (which judges it). Plain JSON-serialisable objects only: results.json stores them as is.
 */

export type Stream = 'stdout' | 'stderr';

/** One line a program printed, stamped by the parent (real clock) or the virtual clock. */
export interface TraceLine {
  /** Milliseconds since the process started (sub-ms resolution). Under a virtual clock: virtual time. */
  tMs: number;
  stream: Stream;
  /** The line without its terminator, decoded as UTF-8 with replacement characters. */
  text: string;
  /** Real arrival time in ms when tMs is virtual (for the record; never judged). */
  realMs?: number;
  /** Id of the asyncio task that printed the line, when the task tracer saw it. */
  task?: number;
  /** True for a final line that had no terminating newline. */
  partial?: boolean;
}

/** A task lifecycle or blocking event seen by the in-process tracer (Python, issue 6). */
export interface TaskEvent {
  tMs: number;
  kind: 'created' | 'started' | 'suspended' | 'resumed' | 'done' | 'cancelled' | 'blocking' | 'awaited';
  task: number;
  /** Coroutine name, e.g. "fetch_data"; on 'created'. */
  name?: string;
  /** Duration of a blocking call in ms; on 'blocking'. */
  durationMs?: number;
  /** How the task was created: create_task | gather | TaskGroup | ensure_future | main; on 'created'. */
  via?: string;
  /** Free detail, e.g. the blocking call ("time.sleep(1)"). */
  detail?: string;
  /** The task that awaited this one ('awaited'), or the parent task ('created'). */
  by?: number;
}

/**
 * What an instrumented Python program did besides asyncio tasks, as its tracer reported at the
 * end of the run. Reported by the child, so it only shapes explanations, never a verdict.
 */
export interface ProgramActivity {
  /** asyncio was imported. */
  asyncio: boolean;
  /** An event loop was started (asyncio.run, run_until_complete…). */
  loopRan: boolean;
  /** Threads the program started itself (executor workers not counted). */
  threads: number;
  /** Their target functions' names ("fetch_data"), the first few. */
  threadNames: string[];
  /** time.sleep calls with a positive duration, on any thread. */
  sleeps: number;
  /** Their total duration in ms (of the clock in use). */
  sleptMs: number;
}

export type SandboxLevel = 'bwrap' | 'rlimit' | 'none';

export interface SandboxInfo {
  level: SandboxLevel;
  /** Why a stronger level was not used (empty when the strongest was used). */
  reason?: string;
  /** Limits in force, as applied. */
  limits?: Record<string, number>;
  /** How containment was achieved, in words ("pids cgroup (max 64)", "uid 65534"…); for reports. */
  mechanisms?: string[];
}

/** Why a run ended, when it did not end on its own. */
export type RunEndReason =
  | 'exited'
  | 'signalled'
  | 'timeout'
  | 'cpu-limit'
  | 'memory-limit'
  | 'output-limit'
  | 'deadlock'
  | 'error';

/** Everything recorded about one run of one submission. */
export interface RunRecord {
  exitCode: number | null;
  /** Signal name ("SIGKILL") when the program was killed by a signal. */
  signal: string | null;
  timedOut: boolean;
  /** Output cap reached: the trace stops there. */
  truncated: boolean;
  end: RunEndReason;
  /** Human explanation of the end ("killed after the 10 s wall-time limit"). */
  endDetail?: string;
  wallMs: number;
  /**
   * Start-up left out of the times, in ms: from spawn to when the program's own code began
   * (Python: tracegrade's bootstrap ran, just before the entry). When set, every `tMs` and
   * `wallMs` count from that moment, so a slow sandbox or interpreter start does not shift a
   * verdict. Absent when the runner could not tell (times then count from spawn).
   */
  startupMs?: number;
  /** Real wall time in ms when `wallMs` is virtual (clock 'virtual'); for the record, never judged. */
  realWallMs?: number;
  cpuMs?: number;
  maxRssKb?: number;
  clock: 'real' | 'virtual';
  /** Set when virtual time was requested but the run fell back to real time, and why. */
  clockFallback?: string;
  sandbox: SandboxInfo;
  /** Interpreter or command actually run, e.g. "/root/.pyenv/versions/3.11.7/bin/python3.11 (3.11.7)". */
  runtime?: string;
  trace: TraceLine[];
  tasks?: TaskEvent[];
  /** Python tracer's summary of threads and time.sleep calls (absent when the run was killed before it ended). */
  activity?: ProgramActivity;
  /** Set when the submission could not be run at all (missing entry, unreadable file…). */
  error?: string;
  /** Set when the trace was found forged (by the tracer's checks): why. The submission scores 0, flagged for review. */
  tampered?: string;
}
