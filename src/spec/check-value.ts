/** `value:` as written → its body: the line and group it reads, and the assertions on it. */

import type { YAMLMap } from 'yaml';
import { integer, tolerance, type CheckContext } from './check-fields.js';
import { looksLikeExpr, resolveExpr } from './expr-resolve.js';
import { parseExpr } from './expr.js';
import { parseSelector, regexGroups } from './selector.js';
import { didYouMean, listWords } from './suggest.js';
import type { CheckBody, StreamChoice, ValueRef } from './types.js';

function valueRef(ctx: CheckContext, map: YAMLMap, key: string, stream: StreamChoice | undefined): ValueRef | undefined {
  const node = ctx.y.get(map, key);
  const v = ctx.y.js(node);
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v !== 'string') return undefined;
  if (v === 'runtime') return { kind: 'runtime' };
  if (v.startsWith('$') && /^\$[A-Za-z_][\w-]*$/.test(v.trim())) {
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
  // `equals` compared with text before expressions existed: a text that is no expression stays a text.
  if (looksLikeExpr(v) && !(key === 'equals' && !parseExpr(v).ok)) {
    const expr = resolveExpr(ctx, node, v, key, stream);
    return expr && { kind: 'expr', expr, text: v.trim() };
  }
  if (key === 'equals') return { kind: 'string', value: v };
  const guess = didYouMean(v, ['runtime']);
  ctx.sink.error(node, `${key}: '${v}' is not a number, runtime, $alias or an expression${guess ? ` — did you mean 'runtime'?` : ''}`, 'compare with a number (2.5), the measured runtime (runtime), another captured value ($alias) or an expression ("max($delays)", "runtime / 5")');
  return undefined;
}

export function valueBody(ctx: CheckContext, map: YAMLMap, stream: StreamChoice | undefined): CheckBody | undefined {
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
