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
  /**
   * Name of the innermost user coroutine function (defined in the submission's files, not
   * asyncio/stdlib/tracegrade) on the printing task's stack, e.g. "fetch_data" even when
   * fetch_data runs inside gather's task via fetch_and_report().
   */
  coro?: string;
  /**
   * The user coroutines the printing coroutine runs inside, outermost first (when there are any):
   * ["main", "fetch_data"] for a line printed by a helper coroutine that fetch_data awaited
   * inside main's task. A line is the work of each of them too (`by:`).
   */
  outer?: string[];
  /**
   * 0 = the main thread; n >= 1 = the n-th thread the program started itself (threading.Thread);
   * absent when unknown. A line printed from a non-loop thread has `thread` and no `task`.
   */
  thread?: number;
  /**
   * The coroutine that printed the line while no asyncio event loop was running it (driven by
   * hand with send()): the parent saw it on the stack but no loop step below it, so the line is
   * credited to nobody (no `coro`, no `task`).
   */
  unstepped?: string;
  /**
   * Real clock: arrival of the line's first byte. `tMs` is the arrival of its END (newline or end
   * of stream), so a line cannot be backdated by writing its first byte early.
   */
  firstByteMs?: number;
}

/** A task lifecycle or blocking event seen by the in-process tracer (Python, issue 6). */
export interface TaskEvent {
  tMs: number;
  kind:
    | 'created'
    | 'started'
    | 'suspended'
    | 'resumed'
    | 'done'
    | 'cancelled'
    | 'blocking'
    | 'awaited'
    /** User coroutine `name` started running inside task `task`. */
    | 'entered'
    /** User coroutine `name` finished inside task `task` (detail "raised X" when it raised). */
    | 'left';
  task: number;
  /**
   * Coroutine name, e.g. "fetch_data"; on 'created', 'entered' and 'left'; on 'blocking' the user
   * coroutine that blocked.
   */
  name?: string;
  /** Duration of a blocking call in ms; on 'blocking'. */
  durationMs?: number;
  /** How the task was created: create_task | gather | TaskGroup | ensure_future | main; on 'created'. */
  via?: string;
  /** Free detail, e.g. the blocking call ("time.sleep(1)"). */
  detail?: string;
  /** The task that awaited this one ('awaited'), or the parent task ('created'). */
  by?: number;
  /** Where a blocking step was stuck, "main.js:8" (Node's tracer); on 'blocking'. */
  site?: string;
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
  /** How containment was achieved, in words ("pids cgroup (max 64)", "uid 60001"…); for reports. */
  mechanisms?: string[];
  /** What this level leaves open to the submission, in words (absent for bwrap). */
  notProtected?: string[];
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
  /** The spec's named run (`runs:`) this record is of; absent for a spec with a single `run:`. */
  name?: string;
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
  /**
   * What the PARENT saw (polling /proc of the program's process tree, or at each virtual-clock
   * jump): the most threads at once in the program's main process beyond its main thread
   * (executor workers included) and the number of distinct processes in its tree. `source` says how.
   */
  observed?: { threads: number; processes: number; source: string };
  /**
   * The parent's own reading of the Python stack at each line the tracer attributed (Python,
   * when a spec reads attributions): how many it checked, how many it did not credit (not printed
   * inside an asyncio event-loop step), or why it could not read the stack.
   */
  witness?: { lines: number; uncredited: number; unavailable?: string };
  /**
   * Set when the parent found the child's records inconsistent with what it observed itself
   * (forged or missing channel records, line records that do not match the captured output,
   * virtual times inconsistent with the parent-owned clock, threads the tracer did not report…),
   * in words for an instructor. A tampered run scores 0 and is flagged for review in every report.
   */
  tampered?: string;
}
