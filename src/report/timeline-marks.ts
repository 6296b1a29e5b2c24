/**
 * The timeline's marks: one per printed line, its shape by the role a failing check gives it
 * (offending, near miss, anchor), and its label placed in the first free row.
 */

import type { TraceLine } from '../trace/types.js';
import { visible } from './text.js';
import type { Highlight } from './timeline.js';
import { CHAR, COLORS, MAX_ROWS, RIGHT, W } from './timeline-style.js';

export function clip(s: string, n: number): string {
  const v = visible(s.length > n * 4 ? s.slice(0, n * 4) : s);
  if (v.length <= n) return v;
  const cut = /[\uD800-\uDBFF]/.test(v[n - 2] ?? '') ? n - 2 : n - 1; // never split a surrogate pair
  return `${v.slice(0, cut)}…`;
}

export interface Mark {
  x: number;
  line: TraceLine;
  index: number;
  refs: Highlight[];
  label: string;
  row: number; // -1: no room for a label
  /** Label to the left of the mark (near the right edge). */
  left?: boolean;
}

const RANK = { offending: 3, 'near-miss': 2, anchor: 1, plain: 0 } as const;

/**
 * Greedy label rows: offending lines first, then near misses, anchors, the rest; within a rank,
 * lines more failed checks point at first (a crash's error line, cited by the exit-code check
 * too, before the traceback's first lines), then in time order. A mark with no room keeps its dot only.
 */
export function placeLabels(marks: Mark[]): number {
  const order = [...marks].sort((a, b) => RANK[roleOf(b)] - RANK[roleOf(a)] || b.refs.length - a.refs.length || a.x - b.x);
  const taken: Array<Array<[number, number]>> = [];
  let used = 0;
  for (const m of order) {
    const w = m.label.length * CHAR + 10;
    m.left = m.x + w > W - RIGHT + 16;
    const span: [number, number] = m.left ? [m.x - w, m.x + 2] : [m.x - 2, m.x + w];
    for (let r = 0; r < MAX_ROWS; r++) {
      taken[r] ??= [];
      if (taken[r]!.every(([a, b]) => span[1] <= a || span[0] >= b)) {
        taken[r]!.push(span);
        m.row = r;
        used = Math.max(used, r + 1);
        break;
      }
    }
  }
  return used;
}

export function roleOf(m: Mark): 'offending' | 'near-miss' | 'anchor' | 'plain' {
  if (m.refs.some((r) => r.role === 'offending')) return 'offending';
  if (m.refs.some((r) => r.role === 'near-miss')) return 'near-miss';
  if (m.refs.some((r) => r.role === 'anchor' || r.role === 'match')) return 'anchor';
  return 'plain';
}

export function markShape(role: ReturnType<typeof roleOf>, x: number, y: number): string {
  switch (role) {
    case 'offending': // a diamond, larger: shape, not colour alone
      return `<path d="M${x} ${y - 7}L${x + 7} ${y}L${x} ${y + 7}L${x - 7} ${y}Z" fill="${COLORS.offending}" stroke="#fff" stroke-width="1.5"/>`;
    case 'near-miss': // a triangle
      return `<path d="M${x} ${y - 7}L${x + 6.5} ${y + 5}L${x - 6.5} ${y + 5}Z" fill="${COLORS.near}" stroke="#fff" stroke-width="1.2"/>`;
    case 'anchor': // a ring
      return `<circle cx="${x}" cy="${y}" r="5" fill="#fff" stroke="${COLORS.anchor}" stroke-width="2.2"/>`;
    default:
      return `<circle cx="${x}" cy="${y}" r="3.2" fill="${COLORS.mark}"/>`;
  }
}

export function roleText(refs: Highlight[]): string {
  return refs.map((r) => `${r.role}${r.note ? `: ${r.note}` : ''} (${r.checkTitle})`).join('; ');
}
