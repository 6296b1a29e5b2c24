/**
 * What the stack reader gives the parent: each thread of a live CPython and the code objects on
 * its stack, read from outside through /proc/<pid>/mem (docs/pystack.md). Every value here was
 * read from the child's memory, but each code object and string passed a type check against
 * the interpreter's own type objects, so none is a struct the program laid out in a bytes object.
 */

export interface PyFrame {
  /** co_name. */
  name: string;
  /** co_filename. */
  file: string;
  /** co_flags (CO_COROUTINE = 0x80). */
  flags: number;
  /** co_firstlineno. */
  firstLine: number;
  /** The code object's address, hex ("0x7f…"). */
  code: string;
}

export interface PyThreadStack {
  /** tstate->thread_id (the pthread_t, = threading.get_ident()), as a decimal string. */
  threadId: string;
  /** The interpreter's main thread (_PyRuntime.main_thread). */
  main: boolean;
  /** Innermost first, at most MAX_FRAMES. */
  frames: PyFrame[];
}

export interface PyStackReader {
  /** The interpreter's minor version, "3.11". */
  readonly version: string;
  /** Every thread's stack; null when no consistent, valid stack could be read. Never throws. */
  threads(): PyThreadStack[] | null;
  close(): void;
}

/** Frames kept per thread (innermost first). */
export const MAX_FRAMES = 128;
/** CO_COROUTINE in co_flags. */
export const CO_COROUTINE = 0x80;
