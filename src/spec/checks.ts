/** One check item as written → normalized Check: exactly one construct, modifiers that apply, defaults. */

import type { Node, YAMLMap } from 'yaml';
import { parseDuration, parseTolerance } from './duration.js';
import { parseSelector, regexGroups, type SelectorContext } from './selector.js';
import { didYouMean, listWords } from './suggest.js';
import { defaultTitle } from './title.js';
import type { Check, CheckBody, LineSelector, StreamChoice, TaskRule, Tolerance, ValueRef, Visibility } from './types.js';

export const CONSTRUCTS = [
  'exists', 'absent', 'count', 'first', 'last', 'order', 'next', 'group',
  'at', 'delay', 'every', 'runtime', 'value', 'exit_code', 'signal', 'timed_out', 'stderr', 'tasks',
] as const;
type Construct = (typeof CONSTRUCTS)[number];

/** Constructs that look at lines, so `stream:` means something for them. */
const WITH_LINES = new Set<Construct>(['exists', 'absent', 'count', 'first', 'last', 'order', 'next', 'group', 'at', 'delay', 'every', 'value']);
const WITH_SCOPE = new Set<Construct>(['exists', 'absent', 'count', 'order', 'group', 'value']);
const WITH_PARTIAL = new Set<Construct>(['count', 'order', 'group', 'every', 'value']);
const WITH_STRICT = new Set<Construct>(['order']);

export interface CheckContext extends SelectorContext {
  defaultTolerance: Tolerance;
}

export interface RawCheck {
  check: Check;
  /** The node of each `requires` entry, for positioned errors. */
  requiresNodes: Node[];
  idNode?: Node;
}

function applies(set: Set<Construct>): string {
  return listWords([...set]);
}

/** A duration field, reported at its node; undefined when absent or bad. */
function duration(ctx: CheckContext, map: YAMLMap, key: string): number | undefined {
  if (!ctx.y.has(map, key)) return undefined;
  const node = ctx.y.get(map, key);
  const r = parseDuration(ctx.y.js(node), key.replace(/_/g, ' '));
  if (!r.ok) {
    ctx.sink.error(node, `${key}: ${r.message}`, r.hint);
    return undefined;
  }
  return r.value;
}

function tolerance(ctx: CheckContext, map: YAMLMap): Tolerance {
  if (!ctx.y.has(map, 'tolerance')) return { ...ctx.defaultTolerance };
  const node = ctx.y.get(map, 'tolerance');
  const r = parseTolerance(ctx.y.js(node));
  if (!r.ok) {
    ctx.sink.error(node, r.message, r.hint);
    return { ...ctx.defaultTolerance };
  }
  return r.value;
}

function integer(ctx: CheckContext, map: YAMLMap, key: string): number | undefined {
  const v = ctx.y.js(ctx.y.get(map, key));
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function selectorList(ctx: CheckContext, node: unknown, stream: StreamChoice | undefined): LineSelector[] | undefined {
  const seq = ctx.y.asSeq(node);
  if (!seq) return undefined;
  const out = seq.items.map((item) => parseSelector(ctx, item, stream));
  return out.every((s) => s !== undefined) ? (out as LineSelector[]) : undefined;
}

/** about excludes at_least/at_most; at least one bound; at_least ≤ at_most. */
function timeBounds(ctx: CheckContext, map: YAMLMap, what: string): { aboutMs?: number; atLeastMs?: number; atMostMs?: number } | undefined {
  const { y } = ctx;
  const has = (k: string) => y.has(map, k);
  if (!has('about') && !has('at_least') && !has('at_most')) {
    ctx.sink.error(map, `${what} needs a bound: about, at_least or at_most`, `e.g. ${what}: { about: 2s, tolerance: 0.2s } or { at_most: 3s }`);
    return undefined;
  }
  if (has('about') && (has('at_least') || has('at_most'))) {
    ctx.sink.error(y.pair(map, has('at_least') ? 'at_least' : 'at_most'), `${what}: 'about' cannot be combined with at_least/at_most`, 'use about ± tolerance, or a range with at_least and at_most');
    return undefined;
  }
  const out: { aboutMs?: number; atLeastMs?: number; atMostMs?: number } = {};
  const about = duration(ctx, map, 'about');
  const atLeast = duration(ctx, map, 'at_least');
  const atMost = duration(ctx, map, 'at_most');
  if (about !== undefined) out.aboutMs = about;
  if (atLeast !== undefined) out.atLeastMs = atLeast;
  if (atMost !== undefined) out.atMostMs = atMost;
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) {
    ctx.sink.error(y.pair(map, 'at_most'), `${what}: at_most is smaller than at_least, so nothing can pass`, 'swap the two bounds');
    return undefined;
  }
  return out;
}

function valueRef(ctx: CheckContext, map: YAMLMap, key: string, stream: StreamChoice | undefined): ValueRef | undefined {
  const node = ctx.y.get(map, key);
  const v = ctx.y.js(node);
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v !== 'string') return undefined;
  if (v === 'runtime') return { kind: 'runtime' };
  if (v.startsWith('$')) {
    const line = parseSelector(ctx, node, stream);
    if (!line) return undefined;
    if (line.kind !== 'regex') {
      ctx.sink.error(node, `${key}: alias ${v} is not a regex, so it captures nothing`, 'declare the alias as a /regex/ with a capture group, e.g. /total: (\\d+)/');
      return undefined;
    }
    if (regexGroups(line).count < 1) {
      ctx.sink.error(node, `${key}: alias ${v} has no capture group`, 'put the number in parentheses, e.g. /total: (\\d+)/');
      return undefined;
    }
    return { kind: 'capture', line, group: 1 };
  }
  if (key === 'equals') return { kind: 'string', value: v };
  const guess = didYouMean(v, ['runtime']);
  ctx.sink.error(node, `${key}: '${v}' is not a number, runtime or $alias${guess ? ` — did you mean 'runtime'?` : ''}`, 'compare with a number (2.5), the measured runtime (runtime) or another captured value ($alias)');
  return undefined;
}

function valueBody(ctx: CheckContext, map: YAMLMap, stream: StreamChoice | undefined): CheckBody | undefined {
  const { y } = ctx;
  const lineNode = y.get(map, 'line');
  const line = parseSelector(ctx, lineNode, stream);
  let ok = line !== undefined;
  const list = y.js(y.get(map, 'list')) === true;
  const groupV = y.js(y.get(map, 'group'));
  const group: number | string = typeof groupV === 'number' || typeof groupV === 'string' ? groupV : 1;
  if (line) {
    if (line.kind !== 'regex') {
      ctx.sink.error(lineNode, `value: the line must be a /regex/ with a capture group, not ${line.display}`, `e.g. line: "/took ([\\d.]+) s/"`);
      ok = false;
    } else {
      const g = regexGroups(line);
      if (typeof group === 'number' && group > g.count) {
        ctx.sink.error(y.has(map, 'group') ? y.get(map, 'group') : lineNode, `value: ${line.display} has ${g.count} capture group${g.count === 1 ? '' : 's'}, so group ${group} captures nothing`, 'put the value in parentheses, e.g. /took ([\\d.]+) s/');
        ok = false;
      } else if (typeof group === 'string' && !g.names.includes(group)) {
        const guess = didYouMean(group, g.names);
        ctx.sink.error(y.get(map, 'group'), `value: ${line.display} has no group named '${group}'${guess ? ` — did you mean '${guess}'?` : ''}`, `name a group with (?<${group}>…)`);
        ok = false;
      }
    }
  }
  const LIST_KEYS = ['ascending', 'descending', 'items', 'each_at_most', 'each_at_least'];
  const SCALAR_KEYS = ['equals', 'at_least', 'at_most', 'about'];
  if (list) {
    for (const k of SCALAR_KEYS.filter((k) => y.has(map, k))) {
      ctx.sink.error(y.pair(map, k), `value: '${k}' does not apply with list: true`, `assert on a list with ${listWords(LIST_KEYS)}`);
      ok = false;
    }
    if (!LIST_KEYS.some((k) => y.has(map, k))) {
      ctx.sink.error(map, 'value with list: true asserts nothing', `add one of ${listWords(LIST_KEYS)}`);
      ok = false;
    }
    if (y.js(y.get(map, 'ascending')) === true && y.js(y.get(map, 'descending')) === true) {
      ctx.sink.error(y.pair(map, 'descending'), 'value: a list cannot be both ascending and descending', 'keep one');
      ok = false;
    }
  } else {
    for (const k of LIST_KEYS.filter((k) => y.has(map, k))) {
      ctx.sink.error(y.pair(map, k), `value: '${k}' only applies to a list`, 'add list: true to split the capture into numbers');
      ok = false;
    }
    if (!SCALAR_KEYS.some((k) => y.has(map, k)) && !LIST_KEYS.some((k) => y.has(map, k))) {
      ctx.sink.error(map, 'value asserts nothing', `add one of ${listWords(SCALAR_KEYS)}`);
      ok = false;
    }
  }
  const body: Extract<CheckBody, { kind: 'value' }> = { kind: 'value', line: line!, group, list, tolerance: tolerance(ctx, map) };
  for (const [key, field] of [['equals', 'equals'], ['at_least', 'atLeast'], ['at_most', 'atMost'], ['about', 'about']] as const) {
    if (!y.has(map, key)) continue;
    const r = valueRef(ctx, map, key, stream);
    if (r) body[field] = r;
    else ok = false;
  }
  if (y.js(y.get(map, 'ascending')) === true) body.ascending = true;
  if (y.js(y.get(map, 'descending')) === true) body.descending = true;
  const items = integer(ctx, map, 'items');
  if (items !== undefined) body.items = items;
  for (const [key, field] of [['each_at_most', 'eachAtMost'], ['each_at_least', 'eachAtLeast']] as const) {
    const v = y.js(y.get(map, key));
    if (typeof v === 'number') body[field] = v;
  }
  return ok ? body : undefined;
}

const SIGNAL_RE = /^SIG[A-Z0-9]+$/;

function tasksBody(ctx: CheckContext, map: YAMLMap): CheckBody | undefined {
  const { y } = ctx;
  const RULES = ['concurrent', 'overlap', 'awaited', 'created_with', 'max_blocking', 'uses_asyncio'];
  const present = RULES.filter((k) => y.has(map, k));
  if (present.length !== 1) {
    ctx.sink.error(present.length ? y.pair(map, present[1]!) : map, present.length ? `tasks: one rule per check, not '${present[0]}' and '${present[1]}'` : 'tasks needs a rule', `use one of ${listWords(RULES)} (split into several checks)`);
    return undefined;
  }
  if (y.has(map, 'name') && present[0] !== 'created_with') {
    ctx.sink.error(y.pair(map, 'name'), `tasks: 'name' only goes with created_with`, `for ${present[0]}, name the coroutines in the rule itself`);
    return undefined;
  }
  const node = y.get(map, present[0]!);
  const v = y.js(node);
  let rule: TaskRule | undefined;
  switch (present[0]) {
    case 'concurrent':
      if (typeof v === 'number') rule = { kind: 'concurrent', atLeast: v };
      break;
    case 'overlap':
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) rule = { kind: 'overlap', names: v as string[] };
      break;
    case 'awaited':
      if (typeof v === 'string') rule = { kind: 'awaited', name: v };
      break;
    case 'created_with': {
      if (typeof v !== 'string') break;
      rule = { kind: 'created_with', via: v };
      const name = y.js(y.get(map, 'name'));
      if (typeof name === 'string') rule.name = name;
      break;
    }
    case 'max_blocking': {
      const r = parseDuration(v, 'max_blocking');
      if (!r.ok) ctx.sink.error(node, `max_blocking: ${r.message}`, r.hint);
      else rule = { kind: 'max_blocking', ms: r.value };
      break;
    }
    case 'uses_asyncio':
      if (v === true) rule = { kind: 'uses_asyncio' };
      break;
  }
  return rule && { kind: 'tasks', rule };
}

function buildBody(ctx: CheckContext, construct: Construct, node: Node | undefined, item: YAMLMap, stream: StreamChoice | undefined): CheckBody | undefined {
  const { y } = ctx;
  const map = y.asMap(node);
  const scopeNode = y.asMap(y.get(item, 'scope'));
  let scope: { after?: LineSelector; before?: LineSelector } | undefined;
  if (scopeNode && WITH_SCOPE.has(construct)) {
    scope = {};
    if (y.has(scopeNode, 'after')) scope.after = parseSelector(ctx, y.get(scopeNode, 'after'), stream);
    if (y.has(scopeNode, 'before')) scope.before = parseSelector(ctx, y.get(scopeNode, 'before'), stream);
    if (!y.has(scopeNode, 'after') && !y.has(scopeNode, 'before')) {
      ctx.sink.error(scopeNode, 'scope needs after, before, or both', 'e.g. scope: { after: $start, before: $done }');
    }
    if ((y.has(scopeNode, 'after') && !scope.after) || (y.has(scopeNode, 'before') && !scope.before)) return undefined;
  }
  const withScope = <T extends object>(b: T): T => (scope ? { ...b, scope } : b);
  switch (construct) {
    case 'exists':
    case 'absent': {
      const line = parseSelector(ctx, node, stream);
      return line && withScope({ kind: construct, line });
    }
    case 'first':
    case 'last': {
      const line = parseSelector(ctx, node, stream);
      return line && { kind: construct, line };
    }
    case 'count': {
      if (!map) return undefined;
      const line = parseSelector(ctx, y.get(map, 'line'), stream);
      const exactly = integer(ctx, map, 'exactly');
      const atLeast = integer(ctx, map, 'at_least');
      const atMost = integer(ctx, map, 'at_most');
      if (!y.has(map, 'exactly') && !y.has(map, 'at_least') && !y.has(map, 'at_most')) {
        ctx.sink.error(map, 'count needs exactly, at_least or at_most', 'e.g. count: { line: $number, exactly: 10 }');
        return undefined;
      }
      if (y.has(map, 'exactly') && (y.has(map, 'at_least') || y.has(map, 'at_most'))) {
        ctx.sink.error(y.pair(map, 'exactly'), `count: 'exactly' cannot be combined with at_least/at_most`, 'use exactly, or a range with at_least and at_most');
        return undefined;
      }
      if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) {
        ctx.sink.error(y.pair(map, 'at_most'), 'count: at_most is smaller than at_least, so nothing can pass', 'swap the two bounds');
        return undefined;
      }
      if (!line) return undefined;
      const b: Extract<CheckBody, { kind: 'count' }> = { kind: 'count', line };
      if (exactly !== undefined) b.exactly = exactly;
      if (atLeast !== undefined) b.atLeast = atLeast;
      if (atMost !== undefined) b.atMost = atMost;
      return withScope(b);
    }
    case 'order':
    case 'next':
    case 'group': {
      const lines = selectorList(ctx, node, stream);
      if (!lines) return undefined;
      if (construct === 'group') return withScope({ kind: 'group' as const, lines });
      const strict = construct === 'next' || y.js(y.get(item, 'strict')) === true;
      if (strict) {
        const streams = new Set(lines.map((l) => l.stream));
        if (streams.size > 1) {
          ctx.sink.error(node, `${construct === 'next' ? 'next' : 'strict order'} compares consecutive lines of one stream, but these selectors are on ${listWords([...streams])}`, 'put them on the same stream (stream: stdout, stderr or any)');
          return undefined;
        }
      }
      return withScope({ kind: 'order' as const, lines, strict });
    }
    case 'at': {
      if (!map) return undefined;
      const line = parseSelector(ctx, y.get(map, 'line'), stream);
      const atMs = duration(ctx, map, 'time');
      const tol = tolerance(ctx, map);
      const from = y.has(map, 'from') ? parseSelector(ctx, y.get(map, 'from'), stream) : undefined;
      if (!line || atMs === undefined || (y.has(map, 'from') && !from)) return undefined;
      const b: Extract<CheckBody, { kind: 'at' }> = { kind: 'at', line, atMs, tolerance: tol };
      if (from) b.from = from;
      return b;
    }
    case 'delay': {
      if (!map) return undefined;
      const from = parseSelector(ctx, y.get(map, 'from'), stream);
      const to = parseSelector(ctx, y.get(map, 'to'), stream);
      const bounds = timeBounds(ctx, map, 'delay');
      const tol = tolerance(ctx, map);
      if (!from || !to || !bounds) return undefined;
      return { kind: 'delay', from, to, ...bounds, tolerance: tol };
    }
    case 'every': {
      if (!map) return undefined;
      const line = parseSelector(ctx, y.get(map, 'line'), stream);
      const periodMs = duration(ctx, map, 'period');
      const tol = tolerance(ctx, map);
      if (periodMs === 0) {
        ctx.sink.error(y.get(map, 'period'), 'every: the period must be more than 0', 'e.g. period: 0.25s');
        return undefined;
      }
      if (!line || periodMs === undefined) return undefined;
      return y.js(y.get(map, 'vacuous')) === true ? { kind: 'every', line, periodMs, tolerance: tol, vacuous: true } : { kind: 'every', line, periodMs, tolerance: tol };
    }
    case 'runtime': {
      if (!map) return undefined;
      const bounds = timeBounds(ctx, map, 'runtime');
      const tol = tolerance(ctx, map);
      const fromProcess = y.js(y.get(map, 'from')) === 'process_start';
      return bounds && { kind: 'runtime', ...bounds, tolerance: tol, ...(fromProcess ? { from: 'process_start' as const } : {}) };
    }
    case 'value': {
      const b = map && valueBody(ctx, map, stream);
      return b && withScope(b);
    }
    case 'exit_code': {
      const v = y.js(node);
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255 ? { kind: 'exit_code', code: v } : undefined;
    }
    case 'signal': {
      const v = y.js(node);
      if (v === 'none' || v === null) return { kind: 'signal', signal: null };
      if (typeof v !== 'string') return undefined;
      if (SIGNAL_RE.test(v)) return { kind: 'signal', signal: v };
      const up = v.toUpperCase();
      const fix = SIGNAL_RE.test(up) ? up : /^[A-Z0-9]+$/.test(up) ? `SIG${up}` : undefined;
      ctx.sink.error(node, `'${v}' is not a signal name${fix ? ` — did you mean ${fix}?` : ''}`, 'write the name in capitals with SIG (SIGKILL, SIGTERM, SIGSEGV), or none');
      return undefined;
    }
    case 'timed_out': {
      const v = y.js(node);
      return typeof v === 'boolean' ? { kind: 'timed_out', expected: v } : undefined;
    }
    case 'stderr':
      return y.js(node) === 'clean' ? { kind: 'stderr_clean' } : undefined;
    case 'tasks':
      return map && tasksBody(ctx, map);
  }
}

/** Normalize one `checks:` item; `index` is 0-based. Returns undefined when it has errors. */
export function normalizeCheck(ctx: CheckContext, itemNode: unknown, index: number): RawCheck | undefined {
  const { y, sink } = ctx;
  const item = y.asMap(itemNode);
  if (!item) return undefined;
  const idNode = y.get(item, 'id');
  const idV = y.js(idNode);
  const id = typeof idV === 'string' ? idV : undefined;
  const name = id ? `check '${id}'` : `check ${index + 1}`;
  const errorsBefore = sink.diagnostics.filter((d) => d.severity === 'error').length;

  // In the order written, so "two constructs" points at the second one in the file.
  const keys = y.keys(item);
  const present = CONSTRUCTS.filter((c) => keys.includes(c)).sort((a, b) => keys.indexOf(a) - keys.indexOf(b));
  if (present.length === 0) {
    sink.error(item, `${name} has no construct: say what to check`, `add one of ${listWords([...CONSTRUCTS])}`);
    return undefined;
  }
  if (present.length > 1) {
    sink.error(y.pair(item, present[1]!), `${name} has two constructs, '${present[0]}' and '${present[1]}': a check tests one thing`, 'split it into two checks (use requires: to chain them)');
    return undefined;
  }
  const construct = present[0]!;

  const modifier = (key: string, set: Set<Construct>, why: string) => {
    if (y.has(item, key) && !set.has(construct)) {
      sink.error(y.pair(item, key), `'${key}' does not apply to '${construct}'${why}`, `'${key}' goes with ${applies(set)}; remove it here`);
    }
  };
  modifier('strict', WITH_STRICT, '');
  modifier('scope', WITH_SCOPE, '');
  modifier('stream', WITH_LINES, ': it looks at no lines');
  modifier('partial', WITH_PARTIAL, ': it has no measure of partial success');
  if (construct === 'value' && y.js(y.get(item, 'partial')) === true && y.js(y.get(y.asMap(y.get(item, 'value')), 'list')) !== true) {
    sink.error(y.pair(item, 'partial'), `'partial' does not apply to a single value: only a list has a measure of partial success`, 'remove partial, or capture a list with list: true');
  }

  const streamV = y.js(y.get(item, 'stream'));
  const stream = streamV === 'stdout' || streamV === 'stderr' || streamV === 'any' ? (streamV as StreamChoice) : undefined;
  const body = buildBody(ctx, construct, y.get(item, construct), item, stream);

  const requiresNode = y.get(item, 'requires');
  const requiresNodes: Node[] = [];
  const seq = y.asSeq(requiresNode);
  if (seq) for (const r of seq.items) requiresNodes.push(r as Node);
  else if (requiresNode && typeof y.js(requiresNode) === 'string') requiresNodes.push(requiresNode);
  const requires = requiresNodes.map((n) => y.js(n)).filter((v): v is string => typeof v === 'string');

  const errorsAfter = sink.diagnostics.filter((d) => d.severity === 'error').length;
  if (!body || id === undefined || errorsAfter > errorsBefore) return undefined;

  const pointsV = y.js(y.get(item, 'points'));
  const visV = y.js(y.get(item, 'visibility'));
  const titleV = y.js(y.get(item, 'title'));
  const hintV = y.js(y.get(item, 'hint'));
  const pos = sink.posOf(item);
  const check: Check = {
    id,
    title: typeof titleV === 'string' && titleV.trim() ? titleV.trim() : defaultTitle(body),
    points: typeof pointsV === 'number' && pointsV >= 0 ? pointsV : 1,
    visibility: (typeof visV === 'string' ? visV : 'visible') as Visibility,
    requires,
    partial: y.js(y.get(item, 'partial')) === true,
    body,
    loc: { file: sink.file, line: pos.line, col: pos.col },
  };
  if (typeof hintV === 'string' && hintV.trim()) check.hint = hintV.trim();
  const out: RawCheck = { check, requiresNodes };
  if (idNode) out.idNode = idNode;
  return out;
}
