/**
 * The child's line records against the lines the parent captured: each record may only
 * attribute a captured line (matched by text, in order, per stream), and the parent's witness
 * decides which attributions stand. Pure.
 */

import type { RunRecord, TraceLine } from '../../trace/types.js';
import { normText, quote } from './line-text.js';
import type { ChannelRecord } from './types.js';
import type { WitnessOutcome } from './witness.js';

/** How far ahead in the captured trace a line record may find its line (output the tap missed). */
const MATCH_LOOKAHEAD = 2000;

/**
 * Line records → captured lines, per stream, in order. A record that matches no captured line
 * (within the look-ahead) claims output the program never produced: a problem, when the
 * capture is complete (`strict`).
 */
export function matchLines(trace: TraceLine[], recs: ChannelRecord[], problems: string[], strict: boolean): Map<number, ChannelRecord> {
  const byStream: Record<string, number[]> = { stdout: [], stderr: [] };
  trace.forEach((l, i) => byStream[l.stream]?.push(i));
  const norm = trace.map((l) => normText(l.text));
  const pos: Record<string, number> = { stdout: 0, stderr: 0 };
  const matched = new Map<number, ChannelRecord>();
  let unmatched = 0;
  for (const rec of recs) {
    if (rec.k !== 'line') continue;
    const s = rec.s;
    const text = typeof rec.x === 'string' ? normText(rec.x) : null;
    if ((s !== 'stdout' && s !== 'stderr') || text === null) {
      problems.push(`side-channel record ${rec.n} is a malformed line record`);
      continue;
    }
    const idx = byStream[s]!;
    const limit = Math.min(idx.length, pos[s]! + MATCH_LOOKAHEAD);
    let found = false;
    for (let j = pos[s]!; j < limit; j++) {
      if (norm[idx[j]!] === text) {
        matched.set(idx[j]!, rec);
        pos[s] = j + 1;
        found = true;
        break;
      }
    }
    if (!found && strict && unmatched++ < 3) {
      problems.push(`the tracer reported the ${s} line ${quote(text)}, which the parent did not capture there (out of order or never printed)`);
    }
  }
  return matched;
}

/**
 * The witness's verdicts: its contradictions are tampering, a line it could not credit loses its
 * attribution, and an attributed line record that skipped the witness is a forgery (the tracer
 * sends every one of them for witnessing).
 */
export function applyWitness(out: RunRecord, matched: Map<number, ChannelRecord>, recs: ChannelRecord[], w: WitnessOutcome, problems: string[]): void {
  problems.push(...w.problems);
  if (!w.unavailable) {
    const skipped = recs.find((r) => r.k === 'line' && r.w !== 1 && (typeof r.task === 'number' || (typeof r.coro === 'string' && r.coro !== '')));
    if (skipped) problems.push(`line record ${skipped.n} names a task or coroutine but was not sent for the parent's witness`);
  }
  for (const [i, rec] of matched) {
    if (!w.stripped.has(rec.n)) continue;
    matched.set(i, { ...rec, task: undefined, coro: undefined, outer: undefined });
    const by = w.stripped.get(rec.n);
    if (by) out.trace[i]!.unstepped = by.slice(0, 200);
  }
  out.witness = { lines: w.lines, uncredited: w.stripped.size, ...(w.unavailable ? { unavailable: w.unavailable } : {}) };
}
