/** An expression as written in a spec → a tree over line selectors, every problem positioned inside the string. */

import type { CheckContext } from './check-fields.js';
import { mapLines, namesOf, parseExpr, type NameRef } from './expr.js';
import { finishSelector, regexGroups } from './selector.js';
import { didYouMean } from './suggest.js';
import type { Expr, LineSelector, StreamChoice } from './types.js';

/** Does this text look like an expression rather than a plain value (a number, a duration, a word)? */
export function looksLikeExpr(text: string): boolean {
  return /[$()*/+]|\s-\s|^\s*-?\s*(runtime|max|min|sum|count|mean|time|delay)\b/.test(text);
}

/**
 * Parse `text` (the scalar `node` holds) as an expression and resolve its aliases. `key` names
 * the field in messages. Undefined after reporting.
 */
export function resolveExpr(ctx: CheckContext, node: unknown, text: string, key: string, stream: StreamChoice | undefined): Expr | undefined {
  const r = parseExpr(text);
  if (!r.ok) {
    ctx.sink.errorAt(node, r.offset, `${key}: ${r.message} (in the expression "${text}")`, r.hint);
    return undefined;
  }
  let ok = true;
  const resolved = new Map<NameRef, LineSelector>();
  for (const { line, use } of namesOf(r.expr)) {
    const def = ctx.aliases.get(line.name);
    if (!def) {
      const guess = didYouMean(line.name, ctx.aliases.keys());
      const dash = line.name.includes('-') ? '; in an expression, put spaces around a minus that follows an alias' : '';
      ctx.sink.errorAt(node, line.offset, `${key}: undefined alias $${line.name}${guess ? ` — did you mean $${guess}?` : ''}`, `declare it under \`lines:\`${dash}`);
      ok = false;
      continue;
    }
    def.used = true;
    const sel = finishSelector({ ...def.raw, alias: line.name }, stream);
    if (use !== 'time' && (sel.kind !== 'regex' || regexGroups(sel).count < 1)) {
      ctx.sink.errorAt(node, line.offset, `${key}: $${line.name} captures nothing (${sel.kind === 'regex' ? 'its regex has no group' : 'it is not a regex'}), so it has no value to compute with`, 'declare the alias as a /regex/ with the number in parentheses, e.g. /took ([\\d.]+) s/; time($alias) reads a line\'s time instead');
      ok = false;
      continue;
    }
    resolved.set(line, sel);
  }
  return ok ? mapLines(r.expr, (n) => resolved.get(n)!) : undefined;
}
