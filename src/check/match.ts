/**
 * Matching line selectors against trace lines, FileCheck-style searches from a position, and
 * the near-miss finder ("possible intended match here") for lines that never matched.
 */

import { compileLinear, isProblem, type LinearRegex } from '../spec/regex.js';
import type { LineSelector, StreamChoice } from '../spec/types.js';
import type { TraceLine } from '../trace/types.js';
import { renderWrongPrinter } from './explain/printers.js';
import { cite } from './format.js';
import { printedByName, printerOf } from './printers.js';

/** A half-open range of trace indices [from, to) that a search is limited to (a scope). */
export interface Range {
  from: number;
  to: number;
}

export function fullRange(trace: TraceLine[]): Range {
  return { from: 0, to: trace.length };
}

/**
 * The compiled regex of a selector, on RE2 (linear time: student text never makes matching slow).
 * 'g' and 'y' are dropped: a search over one line never needs them. Throws on a regex that
 * validation refuses (evaluate turns that into an errored check).
 */
export function compile(pattern: string, flags = '', ignoreCase = false): LinearRegex {
  const r = compileLinear(pattern, flags.replace(/[gy]/g, ''), ignoreCase);
  if (isProblem(r)) throw new Error(`regex /${pattern}/ ${r.message}`);
  return r;
}

/** Trailing whitespace (including the \r of CRLF output) never counts in a whole-line match. */
function trimEnd(s: string): string {
  return s.trimEnd(); // native: whitespace and line terminators, \r included
}

/** Does the text of a line match the selector (ignoring streams)? */
export function matchesText(sel: LineSelector, text: string): boolean {
  switch (sel.kind) {
    case 'text': {
      const a = trimEnd(text);
      const b = trimEnd(sel.pattern);
      return sel.ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
    }
    case 'contains':
      return sel.ignoreCase
        ? text.toLowerCase().includes(sel.pattern.toLowerCase())
        : text.includes(sel.pattern);
    case 'regex':
      return compile(sel.pattern, sel.flags, sel.ignoreCase).test(text);
  }
}

export function onStream(stream: StreamChoice, line: TraceLine): boolean {
  return stream === 'any' || line.stream === stream;
}

/** Does a trace line match the selector (stream, text, and with `by:` who printed it)? */
export function matches(sel: LineSelector, line: TraceLine): boolean {
  return onStream(sel.stream, line) && matchesText(sel, line.text) && (sel.by === undefined || printedByName(line, sel.by));
}

/** Every index in `range` whose line matches, in trace order (occurrence is not applied). */
export function findAll(sel: LineSelector, trace: TraceLine[], range: Range = fullRange(trace)): number[] {
  const out: number[] = [];
  const to = Math.min(range.to, trace.length);
  for (let i = Math.max(0, range.from); i < to; i++) if (matches(sel, trace[i]!)) out.push(i);
  return out;
}

/** The first index ≥ from (and < to) whose line matches, or -1. FileCheck: each search starts after the previous match. */
export function findFrom(sel: LineSelector, trace: TraceLine[], from: number, to = trace.length): number {
  const end = Math.min(to, trace.length);
  for (let i = Math.max(0, from); i < end; i++) if (matches(sel, trace[i]!)) return i;
  return -1;
}

/** Apply the selector's occurrence to a list of matches: first / last / nth (1-based) / every. */
export function pickOccurrence(sel: LineSelector, found: number[]): number[] {
  const occ = sel.occurrence;
  if (occ === 'every') return found;
  if (found.length === 0) return [];
  if (occ === 'first') return [found[0]!];
  if (occ === 'last') return [found[found.length - 1]!];
  const n = Math.floor(occ);
  return n >= 1 && n <= found.length ? [found[n - 1]!] : [];
}

/** The matches the selector designates in `range`, occurrence applied. */
export function select(sel: LineSelector, trace: TraceLine[], range: Range = fullRange(trace)): number[] {
  return pickOccurrence(sel, findAll(sel, trace, range));
}

/** The one line a selector designates ('every' counts as 'first' where one line is needed), or -1. */
export function selectOne(sel: LineSelector, trace: TraceLine[], range: Range = fullRange(trace)): number {
  const picked = select(sel, trace, range);
  return picked.length > 0 ? picked[0]! : -1;
}

/** "first", "last", "3rd" — for messages about a selector with a non-default occurrence. */
export function occurrenceWord(sel: LineSelector): string {
  const o = sel.occurrence;
  if (typeof o !== 'number') return o;
  const n = Math.floor(o);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

// ---------------------------------------------------------------- near misses

export type NearMissReason = 'printer' | 'case' | 'whitespace' | 'case-and-whitespace' | 'stream' | 'similar';

export interface NearMiss {
  index: number;
  reason: NearMissReason;
  /** Short note for the line ("differs in case"). */
  note: string;
  /** The full sentence: "'Done fetching' at 2.07 s (trace line 9) differs in case". */
  message: string;
  /** Edit distance, for reason 'similar'. */
  distance?: number;
}

const collapse = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/** The literal a simple regex stands for (/^done fetching$/ → "done fetching"), or undefined when it has real regex syntax. */
export function regexLiteral(pattern: string): { literal: string; whole: boolean } | undefined {
  let p = pattern;
  const start = p.startsWith('^');
  if (start) p = p.slice(1);
  const end = p.endsWith('$') && !p.endsWith('\\$');
  if (end) p = p.slice(0, -1);
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return undefined; // \d, \s, \1…: real syntax
      out += n;
      i++;
    } else if ('.*+?()[]{}|^$'.includes(c)) {
      return undefined;
    } else out += c;
  }
  return out.length > 0 ? { literal: out, whole: start && end } : undefined;
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Smallest edit distance between `needle` and any substring of `hay` (Sellers' approximate search). */
export function substringDistance(needle: string, hay: string): number {
  let prev = Array.from({ length: needle.length + 1 }, (_, i) => i);
  let best = prev[needle.length]!;
  for (let j = 1; j <= hay.length; j++) {
    const cur = [0];
    for (let i = 1; i <= needle.length; i++) {
      cur.push(Math.min(prev[i]! + 1, cur[i - 1]! + 1, prev[i - 1]! + (needle[i - 1] === hay[j - 1] ? 0 : 1)));
    }
    if (cur[needle.length]! < best) best = cur[needle.length]!;
    prev = cur;
  }
  return best;
}

/** How many edits still count as "probably meant this": about a quarter of the text, and never for very short texts ('8' vs '9' is not a typo). */
function editBudget(len: number): number {
  return len < 4 ? 0 : Math.max(1, Math.floor(len / 4));
}

function otherStreamNote(sel: LineSelector, line: TraceLine): string {
  return sel.stream === 'any' ? 'matches on another stream' : `is on ${line.stream}, not ${sel.stream}`;
}

const MAX_FUZZY_LINE = 400;
const MAX_FUZZY_LINES = 5000;

/**
 * The line the author of a selector probably meant, when no line matches it: the same line
 * printed by someone other than its `by:` coroutine, the same text in another case, with other
 * spacing, on the other stream, or — for literal texts of 4+ characters — the closest line
 * within a small edit distance. Preference in that order; earliest line wins a tie.
 * Lines in `exclude` (already used by the check) are not offered.
 */
export function findNearMiss(
  sel: LineSelector,
  trace: TraceLine[],
  exclude: ReadonlySet<number> = new Set(),
): NearMiss | undefined {
  const candidates = trace.map((_, i) => i).filter((i) => !exclude.has(i) && !matches(sel, trace[i]!));
  const make = (index: number, reason: NearMissReason, note: string, distance?: number): NearMiss => ({
    index,
    reason,
    note,
    message: `${cite(trace, index)} ${note}`,
    ...(distance !== undefined ? { distance } : {}),
  });

  const literal =
    sel.kind === 'regex'
      ? (() => {
          const l = regexLiteral(sel.pattern);
          return l ? { kind: l.whole ? ('text' as const) : ('contains' as const), pattern: l.literal } : undefined;
        })()
      : { kind: sel.kind, pattern: sel.pattern };

  const sameStream = (i: number) => onStream(sel.stream, trace[i]!);
  const ci = { ...sel, ignoreCase: true };

  // 0. The very line, printed by someone other than the `by:` coroutine (a thread, an untraced write…).
  if (sel.by !== undefined) {
    for (const i of candidates) {
      if (sameStream(i) && matchesText(sel, trace[i]!.text)) return make(i, 'printer', renderWrongPrinter(printerOf(trace[i]!), sel.by));
    }
  }

  // 1. Same stream, differs only in case.
  for (const i of candidates) if (sameStream(i) && matchesText(ci, trace[i]!.text)) return make(i, 'case', 'differs in case');

  // 2. Same stream, differs in spacing (possibly also in case).
  if (literal) {
    const want = collapse(literal.pattern);
    const wantLower = want.toLowerCase();
    const same = candidates.filter(sameStream);
    const collapsed = same.map((i) => collapse(trace[i]!.text)); // once per line: this is the hot loop on big traces
    const hit = (t: string, w: string) => (literal.kind === 'text' ? t === w : t.includes(w));
    for (let k = 0; k < same.length; k++) if (hit(collapsed[k]!, want)) return make(same[k]!, 'whitespace', 'differs in spacing');
    for (let k = 0; k < same.length; k++)
      if (hit(collapsed[k]!.toLowerCase(), wantLower)) return make(same[k]!, 'case-and-whitespace', 'differs in case and spacing');
  }

  // 3. The exact line, on the other stream.
  for (const i of candidates) if (!sameStream(i) && matchesText(sel, trace[i]!.text)) return make(i, 'stream', otherStreamNote(sel, trace[i]!));
  for (const i of candidates)
    if (!sameStream(i) && matchesText(ci, trace[i]!.text)) return make(i, 'stream', `${otherStreamNote(sel, trace[i]!)} and differs in case`);

  // 4. The closest line by edit distance, if reasonably close.
  if (!literal) return undefined;
  const budget = editBudget(literal.pattern.length);
  if (budget === 0) return undefined;
  let best: { i: number; d: number; same: boolean } | undefined;
  // Fuzzy search is quadratic per line: bound the work on huge traces (output caps allow ~100k lines).
  for (const i of candidates.slice(0, MAX_FUZZY_LINES)) {
    const text = trace[i]!.text;
    if (text.length > MAX_FUZZY_LINE) continue;
    const d =
      literal.kind === 'text'
        ? editDistance(trimEnd(text), literal.pattern, budget)
        : substringDistance(literal.pattern, text);
    if (d === 0 || d > budget) continue;
    const same = sameStream(i);
    if (!best || (same && !best.same) || (same === best.same && d < best.d)) best = { i, d, same };
  }
  if (!best) return undefined;
  const where = best.same ? '' : ` (on ${trace[best.i]!.stream})`;
  return make(best.i, 'similar', `is the closest line${where}, ${best.d} ${best.d === 1 ? 'character' : 'characters'} off`, best.d);
}
