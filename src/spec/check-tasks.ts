/** `tasks:` as written → one task rule. */

import type { YAMLMap } from 'yaml';
import type { CheckContext } from './check-fields.js';
import { parseDuration } from './duration.js';
import { listWords } from './suggest.js';
import type { CheckBody, TaskRule } from './types.js';

export function tasksBody(ctx: CheckContext, map: YAMLMap): CheckBody | undefined {
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
