/** One check item as written → normalized Check: exactly one construct, modifiers that apply, defaults. */

import type { Node, YAMLMap } from 'yaml';
import { duration, integer, selectorList, timeBounds, tolerance, type CheckContext } from './check-fields.js';
import { tasksBody } from './check-tasks.js';
import { valueBody } from './check-value.js';
import { rejectionBody } from './check-rejection.js';
import { parseSelector } from './selector.js';
import { listWords } from './suggest.js';
import { defaultTitle } from './title.js';
import type { Check, CheckBody, LineSelector, StreamChoice, Visibility } from './types.js';

export type { CheckContext };

export const CONSTRUCTS = [
  'exists', 'absent', 'count', 'first', 'last', 'order', 'next', 'group',
  'at', 'delay', 'every', 'runtime', 'value', 'exit_code', 'signal', 'timed_out', 'stderr', 'unhandled_rejection', 'tasks', 'all', 'any',
] as const;
type Construct = (typeof CONSTRUCTS)[number];

/** Constructs that look at lines, so `stream:` means something for them. */
const WITH_LINES = new Set<Construct>(['exists', 'absent', 'count', 'first', 'last', 'order', 'next', 'group', 'at', 'delay', 'every', 'value', 'all', 'any']);
const WITH_SCOPE = new Set<Construct>(['exists', 'absent', 'count', 'order', 'group', 'value']);
const WITH_PARTIAL = new Set<Construct>(['count', 'order', 'group', 'every', 'value']);
const WITH_STRICT = new Set<Construct>(['order']);

export interface RawCheck {
  check: Check;
  /** The node of each `requires` entry, for positioned errors. */
  requiresNodes: Node[];
  idNode?: Node;
}

const SIGNAL_RE = /^SIG[A-Z0-9]+$/;

function applies(set: Set<Construct>): string {
  return listWords([...set]);
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
      const bounds = timeBounds(ctx, map, 'delay', stream);
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
      const bounds = timeBounds(ctx, map, 'runtime', stream);
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
    case 'unhandled_rejection':
      return rejectionBody(ctx, node);
    case 'tasks':
      return map && tasksBody(ctx, map);
    case 'all':
    case 'any': {
      const seq = y.asSeq(node);
      if (!seq) return undefined;
      const parts = seq.items.map((p, i) => constructBody(ctx, p, `part ${i + 1} of '${construct}'`, stream, false));
      return parts.every((p) => p !== undefined) ? { kind: construct, parts: parts as CheckBody[] } : undefined;
    }
  }
}

/**
 * The one construct of a check item or of a compound's part, with the modifiers that apply to
 * it (`stream` is inherited by parts); `partial` only at the check level.
 */
function constructBody(ctx: CheckContext, itemNode: unknown, name: string, inherited: StreamChoice | undefined, topLevel: boolean): CheckBody | undefined {
  const { y, sink } = ctx;
  const item = y.asMap(itemNode);
  if (!item) {
    sink.error(itemNode, `${name} must be a mapping with one construct`, 'e.g. - { order: [a, b] }');
    return undefined;
  }
  // In the order written, so "two constructs" points at the second one in the file.
  const keys = y.keys(item);
  const present = CONSTRUCTS.filter((c) => keys.includes(c)).sort((a, b) => keys.indexOf(a) - keys.indexOf(b));
  if (present.length === 0) {
    sink.error(item, `${name} has no construct: say what to check`, `add one of ${listWords([...CONSTRUCTS])}`);
    return undefined;
  }
  if (present.length > 1) {
    const fix = topLevel ? 'split it into two checks (use requires: to chain them), or list both under all:' : `make them two parts: - { ${present[0]}: … } and - { ${present[1]}: … }`;
    sink.error(y.pair(item, present[1]!), `${name} has two constructs, '${present[0]}' and '${present[1]}': ${topLevel ? 'a check' : 'a part'} tests one thing`, fix);
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
  if (topLevel) modifier('partial', WITH_PARTIAL, ': it has no measure of partial success');
  if (topLevel && construct === 'value' && y.js(y.get(item, 'partial')) === true && y.js(y.get(y.asMap(y.get(item, 'value')), 'list')) !== true) {
    sink.error(y.pair(item, 'partial'), `'partial' does not apply to a single value: only a list has a measure of partial success`, 'remove partial, or capture a list with list: true');
  }
  const streamV = y.js(y.get(item, 'stream'));
  const stream = streamV === 'stdout' || streamV === 'stderr' || streamV === 'any' ? (streamV as StreamChoice) : inherited;
  return buildBody(ctx, construct, y.get(item, construct), item, stream);
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
  const body = constructBody(ctx, item, name, undefined, true);

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
