/** One captured value or list against its targets: which assertions hold, and which fail, in words. */

import type { CheckBody } from '../../spec/types.js';
import { failed, type Ctx } from '../common.js';
import { quote, trimNumber } from '../format.js';
import { EPS, valueTolerance, type Target } from './targets.js';
import { parseList } from './parse.js';

type ValueBody = Extract<CheckBody, { kind: 'value' }>;

/** One failed assertion on a value, in words. */
export interface Problem {
  text: string;
}

export function checkScalar(ctx: Ctx, body: ValueBody, v: number, raw: string, targets: Partial<Record<'equals' | 'atLeast' | 'atMost' | 'about', Target>>): { problems: Problem[]; held: string[] } {
  const problems: Problem[] = [];
  const held: string[] = [];
  const n = trimNumber(v);
  const { equals, atLeast, atMost, about } = targets;
  if (equals) {
    if (equals.kind === 'string') {
      if (raw.trim() === equals.str) held.push(`equals ${equals.text}`);
      else problems.push({ text: `expected ${equals.text}, got ${quote(raw.trim())}` });
    } else if (Math.abs(v - (equals.num ?? NaN)) <= EPS) held.push(`equals ${equals.text}`);
    else problems.push({ text: `expected it to equal ${equals.text}, got ${n}` });
  }
  if (atLeast?.num !== undefined) {
    if (v >= atLeast.num - EPS) held.push(`at least ${atLeast.text}`);
    else problems.push({ text: `expected at least ${atLeast.text}, got ${n}` });
  }
  if (atMost?.num !== undefined) {
    if (v <= atMost.num + EPS) held.push(`at most ${atMost.text}`);
    else problems.push({ text: `expected at most ${atMost.text}, got ${n}` });
  }
  if (about?.num !== undefined) {
    const tol = valueTolerance(ctx, body, about.num);
    const d = v - about.num;
    if (Math.abs(d) <= tol + EPS) held.push(`about ${about.text} ± ${trimNumber(tol)}`);
    else problems.push({ text: `expected about ${about.text} ± ${trimNumber(tol)}, got ${n} (off by ${trimNumber(Math.abs(d))})` });
  }
  return { problems, held };
}

export interface LineVerdict {
  index: number;
  ok: boolean;
  fraction: number;
  /** The value read, as shown ("2.01", "[1, 2, 3]"). */
  value: string;
  /** What holds about it ("about the measured runtime (2.01 s) ± 0.2", "10 items, ascending"). */
  held: string;
  problems: string[];
}

export function judgeList(ctx: Ctx, body: ValueBody, raw: string, targets: Partial<Record<'equals' | 'atLeast' | 'atMost' | 'about', Target>>): Omit<LineVerdict, 'index'> {
  const { values, bad } = parseList(raw);
  const problems: string[] = [];
  if (bad.length > 0) problems.push(`${bad.length === 1 ? 'this item is' : 'these items are'} not numbers: ${bad.slice(0, 5).map(quote).join(', ')}`);
  const n = values.length;
  const itemOk = values.map(() => true);
  const fail = (k: number, why: string) => {
    if (itemOk[k]) problems.push(why);
    itemOk[k] = false;
  };
  values.forEach((x, k) => {
    const item = `item ${k + 1} is ${trimNumber(x)}`;
    if (body.eachAtMost !== undefined && x > body.eachAtMost + EPS) fail(k, `${item}, above the maximum ${trimNumber(body.eachAtMost)}`);
    if (body.eachAtLeast !== undefined && x < body.eachAtLeast - EPS) fail(k, `${item}, below the minimum ${trimNumber(body.eachAtLeast)}`);
    if (k > 0 && body.ascending && x < values[k - 1]!) fail(k, `not ascending: ${trimNumber(values[k - 1]!)} then ${trimNumber(x)} (items ${k} and ${k + 1})`);
    if (k > 0 && body.descending && x > values[k - 1]!) fail(k, `not descending: ${trimNumber(values[k - 1]!)} then ${trimNumber(x)} (items ${k} and ${k + 1})`);
    // Scalar comparisons against numbers apply to each item.
    for (const key of ['atLeast', 'atMost', 'about'] as const) {
      const t = targets[key];
      if (t?.num === undefined) continue;
      const r = checkScalar(ctx, body, x, String(x), { [key]: t });
      if (r.problems.length > 0) fail(k, `item ${k + 1}: ${r.problems[0]!.text}`);
    }
  });
  let fraction = n === 0 ? (body.items ? 0 : 1) : itemOk.filter(Boolean).length / n;
  if (body.items !== undefined && n !== body.items) {
    problems.unshift(`expected ${body.items} items, found ${n}`);
    fraction *= Math.min(n, body.items) / Math.max(n, body.items, 1);
  }
  const eq = targets.equals;
  if (eq) {
    if (eq.kind === 'list') {
      const same = eq.list!.length === n && eq.list!.every((y, k) => Math.abs(y - values[k]!) <= EPS);
      if (!same) problems.push(`expected the same list as ${eq.text} ([${eq.list!.map(trimNumber).join(', ')}])`);
    } else if (eq.kind === 'string') {
      if (raw.trim() !== eq.str) problems.push(`expected ${eq.text}, got ${quote(raw.trim())}`);
    } else if (!(n === 1 && Math.abs(values[0]! - eq.num!) <= EPS)) {
      problems.push(`expected it to equal ${eq.text}`);
    }
    if (problems.length > 0) fraction = Math.min(fraction, 0.99);
  }
  if (bad.length > 0) fraction *= n / (n + bad.length);
  const ok = problems.length === 0;
  const props: string[] = [`${n} ${n === 1 ? 'item' : 'items'}`];
  if (body.ascending) props.push('ascending');
  if (body.descending) props.push('descending');
  if (body.eachAtLeast !== undefined) props.push(`each ≥ ${trimNumber(body.eachAtLeast)}`);
  if (body.eachAtMost !== undefined) props.push(`each ≤ ${trimNumber(body.eachAtMost)}`);
  const shown = `[${values.map(trimNumber).join(', ')}]`;
  return { ok, fraction: ok ? 1 : fraction, value: shown, held: props.join(', '), problems };
}
