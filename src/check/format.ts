/**
 * How explanations write times, durations, lines and selectors. One place, so every message
 * reads the same: times as seconds with 2 decimals ("2.57 s"), measured durations ≥ 1 s in s
 * and < 1 s in ms, spec values without useless zeros ("2 s", "250 ms").
 */

import type { LineSelector } from '../spec/types.js';
import type { TraceLine } from '../trace/types.js';

/** A point in time since run start: "2.57 s". */
export function fmtTime(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A measured duration: "2.07 s" or "730 ms". */
export function fmtDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 999.5) return `${(ms / 1000).toFixed(2)} s`; // 999.6 ms would round to "1000 ms"
  if (a > 0 && a < 1) return `${ms.toFixed(2)} ms`;
  return `${Math.round(ms)} ms`;
}

/** A duration written in a spec: "2 s", "2.5 s", "250 ms" (no trailing zeros: it is what the instructor wrote). */
export function fmtSpecDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 1000) return `${trimNumber(ms / 1000)} s`;
  return `${trimNumber(ms)} ms`;
}

/** A plain number without float noise: 2.5, 0.1, 3. */
export function trimNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toFixed(6)));
}

const MAX_QUOTED = 80;

/** Quote text for a message; double quotes when it holds a single quote ("{'data': 1}"). */
export function quote(text: string): string {
  let s = text.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\t' ? '\\t' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  if (s.length > MAX_QUOTED) s = `${s.slice(0, MAX_QUOTED - 1)}…`;
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`;
}

/** "'done fetching' at 2.57 s (trace line 12)" — the long citation of a trace line. */
export function cite(trace: TraceLine[], index: number): string {
  const l = trace[index]!;
  return `${quote(l.text)} at ${fmtTime(l.tMs)} (${where(trace, index)})`;
}

/** "'9' (2.32 s, trace line 11)" — the short citation, for a line mentioned in passing. */
export function citeShort(trace: TraceLine[], index: number): string {
  const l = trace[index]!;
  return `${quote(l.text)} (${fmtTime(l.tMs)}, ${where(trace, index)})`;
}

/**
 * "trace line 12" (or "trace line 12, stderr"): the 1-based position in the run's trace, the
 * number the excerpts, the HTML trace table and the JUnit trace show in their first column.
 * Always "trace line": a bare "line 12" reads as a line of the student's file, which is cited
 * as "main.py:12" (traceback.ts).
 */
export function where(trace: TraceLine[], index: number): string {
  const l = trace[index]!;
  return `${traceLine(index)}${l.stream === 'stderr' ? ', stderr' : ''}`;
}

/** "trace line 12" for trace index 11: every mention of a trace position, notes included. */
export function traceLine(index: number): string {
  return `trace line ${index + 1}`;
}

/**
 * A selector as a student reads it. Aliases are expanded to what they match: `$done` means
 * nothing to someone who never saw the spec.
 */
export function describe(sel: LineSelector): string {
  let s: string;
  if (sel.kind === 'text') s = quote(sel.pattern);
  else if (sel.kind === 'contains') s = `a line containing ${quote(sel.pattern)}`;
  else s = `/${sel.pattern}/${sel.flags ?? ''}`;
  if (sel.ignoreCase && !(sel.kind === 'regex' && (sel.flags ?? '').includes('i'))) s += ' (any case)';
  if (sel.stream === 'stderr') s += ' on stderr';
  if (sel.by !== undefined) s += ` printed by ${sel.by}`;
  return s;
}

/** "stdout", "stderr" or "the output" (for stream 'any'). */
export function streamName(stream: LineSelector['stream']): string {
  return stream === 'any' ? 'the output' : stream;
}

/** "1 line", "3 lines". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
