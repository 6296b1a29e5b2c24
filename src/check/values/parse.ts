/** What a value check reads from a line: the captured text, its first number, a list of numbers. */

import type { LineSelector } from '../../spec/types.js';
import { compile } from '../match.js';

/** The text a selector captures from a line: the regex group (number or name), or the whole line for literal selectors. */
export function capture(sel: LineSelector, group: number | string, text: string): string | undefined {
  if (sel.kind !== 'regex') return text.trim();
  const m = compile(sel.pattern, sel.flags, sel.ignoreCase).exec(text);
  if (!m) return undefined;
  const g = typeof group === 'number' ? m[group] : m.groups?.[group];
  return g === undefined ? undefined : g;
}

const NUMBER = /[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)(?:[eE][-+]?\d+)?/;

/** The first number in a captured text ("2.01", "took 2.01 s" → 2.01; "1,5" → 1.5), or undefined. */
export function parseNumber(s: string): number | undefined {
  const m = NUMBER.exec(s);
  if (!m) return undefined;
  const v = Number(m[0].replace(',', '.'));
  return Number.isFinite(v) ? v : undefined;
}

/** A captured list ("[1, 2, 3]", "1 2 3", "(0.5; 1)") as numbers; the tokens that are not numbers are reported. */
export function parseList(s: string): { values: number[]; bad: string[] } {
  const inner = s.trim().replace(/^[[({]\s*/, '').replace(/\s*[\])}]$/, '');
  if (inner === '') return { values: [], bad: [] };
  const values: number[] = [];
  const bad: string[] = [];
  for (const raw of inner.split(/\s*[,;]\s*|\s+/)) {
    const tok = raw.replace(/^['"]|['"]$/g, '');
    if (tok === '') continue;
    const v = Number(tok);
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(tok) && Number.isFinite(v)) values.push(v);
    else bad.push(raw);
  }
  return { values, bad };
}
