/**
 * Where an exception was raised in the student's own code, from the traceback (Python) or
 * stack (Node) captured on stderr: "main.py:17". Trace line numbers ("trace line 8, stderr") only
 * say where the message sits in the run's output; this is the line to open in the editor.
 * The submission's files are those under the run's work dir (`/work/` in bwrap, or
 * `…/tracegrade-run-XXXX/work/` outside it): the interpreter's library, tracegrade's runtime
 * (`/opt/tracegrade`, runtime/) and `node:internal` frames are never cited. Parsing only: the
 * sentences are written in explain/crash.ts. PURE.
 */

import type { TraceLine } from '../trace/types.js';

/** A path inside the work dir → its path relative to the submission; else undefined. */
export function ownPath(path: string): string | undefined {
  const p = path.replace(/^file:\/\//, '');
  const m = /^\/work\/(.+)$/.exec(p) ?? /[\\/]tracegrade-run-[^\\/]+[\\/]work[\\/](.+)$/.exec(p);
  return m ? m[1]!.replace(/\\/g, '/') : undefined;
}

const PY_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/;
const NODE_FRAME = /^\s+at (?:(.+?) \()?(.+?):(\d+):\d+\)?\s*$/;
/** Node's header of an uncaught error: "/work/main.js:3" before the source line and caret. */
const NODE_HEADER = /^(\/.+|file:\/\/.+):(\d+)\s*$/;

export interface Site {
  file: string;
  line: number;
  /** The function, when the frame names it ("helper", "<module>"). */
  fn?: string;
}

/** The student's own frame that raised the exception on stderr line `index`, if the trace shows one. */
export function exceptionSite(trace: TraceLine[], index: number): Site | undefined {
  const err = (i: number): string | undefined => (trace[i]?.stream === 'stderr' ? trace[i]!.text : undefined);
  // Node: the stack follows the message, innermost frame first.
  for (let i = index + 1; err(i) !== undefined && /^\s+at /.test(err(i)!); i++) {
    const m = NODE_FRAME.exec(err(i)!);
    const file = m ? ownPath(m[2]!) : undefined;
    if (file) return { file, line: Number(m![3]), ...(m![1] ? { fn: m![1] } : {}) };
  }
  // Python: the frames precede the message, innermost last; a SyntaxError has one frame.
  // Node's uncaught-error header also precedes it. Stop at the previous message.
  for (let i = index - 1; err(i) !== undefined; i--) {
    const t = err(i)!;
    const py = PY_FRAME.exec(t);
    if (py) {
      const file = ownPath(py[1]!);
      if (file) return { file, line: Number(py[2]), ...(py[3] && py[3] !== '<module>' ? { fn: py[3] } : {}) };
      continue;
    }
    const node = NODE_HEADER.exec(t);
    if (node && ownPath(node[1]!)) return { file: ownPath(node[1]!)!, line: Number(node[2]) };
    if (/^Traceback \(most recent call last\)|^During handling|^The above exception/.test(t)) break;
    // Source excerpts and carets are indented; an unindented line is another message.
    if (!/^\s/.test(t) && t.trim() !== '') break;
  }
  return undefined;
}

/**
 * A Python/Node exception line: "RuntimeError: no running event loop", "ModuleNotFoundError: No
 * module named 'x'", and a Node rejection as runtime/node/rejection.cjs prints it ("Unhandled rejection: Error: boom").
 */
export const EXCEPTION_LINE = /^(?:Unhandled rejection: .|[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b(:|$))/;

/**
 * The exception that stopped the program: the last exception line on stderr (a trailing
 * "RuntimeWarning: … never awaited" printed at shutdown is not the cause), if any.
 */
export function lastException(trace: TraceLine[]): number | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    if (trace[i]!.stream === 'stderr' && EXCEPTION_LINE.test(trace[i]!.text.trim())) return i;
  }
  return undefined;
}

/** Python's warning line: "/work/main.py:5: RuntimeWarning: coroutine 'foo' was never awaited". */
const PY_WARNING = /^(?:(.+?):(\d+): )?([A-Za-z_]\w*Warning): /;

/** A warning on stderr: its category, and the student's file:line it names ("main.py:5"; none for "sys:1: …" or a library's). */
export function warningAt(trace: TraceLine[], index: number): { category: string; site?: Site } | undefined {
  const l = trace[index];
  if (!l || l.stream !== 'stderr') return undefined;
  const m = PY_WARNING.exec(l.text.trim());
  if (!m) return undefined;
  const file = m[1] ? ownPath(m[1]) : undefined;
  return { category: m[3]!, ...(file ? { site: { file, line: Number(m[2]) } } : {}) };
}
