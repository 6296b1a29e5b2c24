/**
 * Value constructs: a number (or a list of numbers) captured from a line by a regex group, and
 * assertions on it — against a constant, another line's capture, or the measured runtime.
 *
 * Units: captured values are plain numbers. The runtime reference is in **seconds** (programs
 * print "took 2.01 s"), and an absolute tolerance written as a duration is read in the same unit
 * (0.2s → 0.2), so `about: runtime, tolerance: 0.2s` means what it says. `timing.scale` widens
 * these tolerances too; at_most bounds on values are not scaled (they need not be times).
 */

import type { CheckBody, LineSelector, ValueRef } from '../spec/types.js';
import type { TraceLine } from '../trace/types.js';
import type { CheckOutcome, LineRef } from './types.js';
import { failed, passed, ref, type Ctx } from './common.js';
import { citeShort, describe, fmtDuration, quote, trimNumber } from './format.js';
import { compile, findAll, select, selectOne } from './match.js';
import { whyMissing } from './explain/index.js';

type ValueBody = Extract<CheckBody, { kind: 'value' }>;

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

const EPS = 1e-9;

/** A resolved comparison target. */
interface Target {
  kind: 'number' | 'string' | 'list';
  num?: number;
  str?: string;
  list?: number[];
  /** How to say it: "9", "the measured runtime (2.51 s)", "the value of /total: (\d+)/ (45, line 12)". */
  text: string;
  line?: number;
}

type Resolved = { ok: true; target: Target } | { ok: false; outcome: CheckOutcome };

function resolveRef(ctx: Ctx, r: ValueRef, wantList: boolean): Resolved {
  switch (r.kind) {
    case 'number':
      return { ok: true, target: { kind: 'number', num: r.value, text: trimNumber(r.value) } };
    case 'string':
      return { ok: true, target: { kind: 'string', str: r.value, text: quote(r.value) } };
    case 'runtime': {
      const s = ctx.run.wallMs / 1000;
      return { ok: true, target: { kind: 'number', num: s, text: `the measured runtime (${fmtDuration(ctx.run.wallMs)})` } };
    }
    case 'capture': {
      const i = selectOne(r.line, ctx.trace);
      if (i < 0) {
        const why = whyMissing(ctx, r.line, { from: 0, to: ctx.trace.length });
        return {
          ok: false,
          outcome: failed(ctx, 'not-applicable', `cannot be checked: the value is compared with the one on ${describe(r.line)}, which ${why.text.replace(/^it /, '')}`, 0, why.lines),
        };
      }
      const raw = capture(r.line, r.group, ctx.trace[i]!.text);
      const where = citeShort(ctx.trace, i);
      if (raw === undefined) {
        return { ok: false, outcome: failed(ctx, 'not-applicable', `cannot be checked: the line it is compared with, ${where}, has no group ${String(r.group)} to capture`, 0, [ref(ctx.trace, i, 'anchor')]) };
      }
      if (wantList) {
        const { values } = parseList(raw);
        return { ok: true, target: { kind: 'list', list: values, str: raw, text: `the list on ${where}`, line: i } };
      }
      const n = parseNumber(raw);
      if (n === undefined) return { ok: true, target: { kind: 'string', str: raw.trim(), text: `${quote(raw.trim())} from ${where}`, line: i } };
      return { ok: true, target: { kind: 'number', num: n, str: raw.trim(), text: `${trimNumber(n)} from ${where}`, line: i } };
    }
  }
}

/** Tolerance for a value comparison, in the value's unit (see the module comment). */
function valueTolerance(ctx: Ctx, body: ValueBody, target: number): number {
  const t = body.tolerance && (body.tolerance.ms !== undefined || body.tolerance.relative !== undefined) ? body.tolerance : ctx.spec.timing?.tolerance ?? {};
  let v = 0;
  if (t.ms !== undefined) v = Math.max(v, t.ms / 1000);
  if (t.relative !== undefined) v = Math.max(v, t.relative * Math.abs(target));
  return v * ctx.scale;
}

/** One failed assertion on a value, in words. */
interface Problem {
  text: string;
}

function checkScalar(ctx: Ctx, body: ValueBody, v: number, raw: string, targets: Partial<Record<'equals' | 'atLeast' | 'atMost' | 'about', Target>>): { problems: Problem[]; held: string[] } {
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

interface LineVerdict {
  index: number;
  ok: boolean;
  fraction: number;
  /** The value read, as shown ("2.01", "[1, 2, 3]"). */
  value: string;
  /** What holds about it ("about the measured runtime (2.01 s) ± 0.2", "10 items, ascending"). */
  held: string;
  problems: string[];
}

function judgeList(ctx: Ctx, body: ValueBody, raw: string, targets: Partial<Record<'equals' | 'atLeast' | 'atMost' | 'about', Target>>): Omit<LineVerdict, 'index'> {
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

export function evalValue(ctx: Ctx, body: ValueBody): CheckOutcome {
  const { trace } = ctx;
  const indices = body.line.occurrence === 'every' ? findAll(body.line, trace) : select(body.line, trace);
  if (indices.length === 0) {
    const why = whyMissing(ctx, body.line, { from: 0, to: trace.length });
    return failed(ctx, 'missing', `expected a line matching ${describe(body.line)} to read a value from; ${why.text}`, 0, why.lines);
  }
  const targets: Partial<Record<'equals' | 'atLeast' | 'atMost' | 'about', Target>> = {};
  const anchorLines: LineRef[] = [];
  for (const key of ['equals', 'atLeast', 'atMost', 'about'] as const) {
    const r = body[key];
    if (!r) continue;
    const res = resolveRef(ctx, r, body.list && key === 'equals');
    if (!res.ok) return res.outcome;
    targets[key] = res.target;
    if (res.target.line !== undefined) anchorLines.push(ref(trace, res.target.line, 'anchor', 'compared with'));
  }

  const verdicts: LineVerdict[] = indices.map((index) => {
    const line: TraceLine = trace[index]!;
    const raw = capture(body.line, body.group, line.text);
    if (raw === undefined) {
      return { index, ok: false, fraction: 0, value: '', held: '', problems: [`group ${String(body.group)} captured nothing`] };
    }
    if (body.list) return { index, ...judgeList(ctx, body, raw, targets) };
    const v = parseNumber(raw);
    const onlyString = targets.equals?.kind === 'string' && !targets.atLeast && !targets.atMost && !targets.about;
    if (v === undefined && !onlyString) {
      return { index, ok: false, fraction: 0, value: quote(raw), held: '', problems: [`captured ${quote(raw)}, which is not a number`] };
    }
    const r = checkScalar(ctx, body, v ?? NaN, raw, targets);
    return {
      index,
      ok: r.problems.length === 0,
      fraction: r.problems.length === 0 ? 1 : 0,
      value: v === undefined ? quote(raw.trim()) : trimNumber(v),
      held: r.held.join(', '),
      problems: r.problems.map((p) => p.text),
    };
  });

  const good = verdicts.filter((v) => v.ok);
  const lines = verdicts.slice(0, 20).map((v) => ref(trace, v.index, v.ok ? 'match' : 'offending', v.ok ? undefined : v.problems[0]));
  if (good.length === verdicts.length) {
    const v0 = verdicts[0]!;
    const first = `read ${v0.value} from ${citeShort(trace, v0.index)}${v0.held ? `: ${v0.held}` : ''}`;
    const msg = verdicts.length === 1 ? first : `all ${verdicts.length} lines matching ${describe(body.line)} hold; first, ${first}`;
    return passed(ctx, msg, [...lines, ...anchorLines]);
  }
  const bad = verdicts.find((v) => !v.ok)!;
  const lead = verdicts.length > 1 ? `${good.length} of ${verdicts.length} lines matching ${describe(body.line)} hold. First failure: ` : '';
  const fraction = verdicts.reduce((s, v) => s + v.fraction, 0) / verdicts.length;
  const readText = bad.value ? `read ${bad.value} from ${citeShort(trace, bad.index)}` : `on ${citeShort(trace, bad.index)}`;
  return failed(
    ctx,
    'violated',
    `${lead}${readText}: ${bad.problems.join('; ')}`,
    fraction,
    [...lines, ...anchorLines],
  );
}
