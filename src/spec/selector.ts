/** Line selectors as written (`text`, `/re/flags`, `$alias`, mappings) → normalized LineSelector. */

import { isScalar, type Node } from 'yaml';
import type { DiagnosticSink } from './diagnostic.js';
import { compileLinear, isProblem } from './regex.js';
import { didYouMean, listWords } from './suggest.js';
import type { LineSelector, Occurrence, StreamChoice } from './types.js';
import type { YamlAccess } from './yaml-access.js';

/** A selector before defaults: stream/occurrence only when written. */
export interface RawSelector {
  kind: LineSelector['kind'];
  pattern: string;
  flags?: string;
  ignoreCase?: boolean;
  stream?: StreamChoice;
  occurrence?: Occurrence;
  alias?: string;
  by?: string;
  display: string;
}

export interface AliasDef {
  raw: RawSelector;
  node: Node;
  used: boolean;
}

export interface SelectorContext {
  y: YamlAccess;
  sink: DiagnosticSink;
  aliases: Map<string, AliasDef>;
  /** Every `by:` node parsed (aliases included): load.ts checks the runtime traces tasks. */
  byNodes?: Node[];
}

const ALIAS_REF = /^\$([A-Za-z_][A-Za-z0-9_-]*)$/;
const REGEX_LITERAL = /^\/(.+)\/([A-Za-z]*)$/s;
const ALLOWED_FLAGS = /^[imsuv]*$/;
const STREAMS = ['stdout', 'stderr', 'any'] as const;
const SELECTOR_KEYS = new Set(['text', 'contains', 'regex', 'flags', 'alias', 'stream', 'occurrence', 'ignore_case', 'by']);
/** A coroutine's name as the tracer reports it (a Python function name). */
const CORO_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function displayOf(kind: LineSelector['kind'], pattern: string, flags?: string): string {
  if (kind === 'regex') return `/${pattern}/${flags ?? ''}`;
  const q = pattern.includes("'") && !pattern.includes('"') ? `"${pattern}"` : `'${pattern}'`;
  if (kind === 'contains') return `contains ${q}`;
  return q;
}

/** Compile a regex (for RE2, as matching will) or report why it does not, pointing at the construct. */
export function checkRegex(ctx: SelectorContext, node: unknown, pattern: string, flags: string, lead = 0): boolean {
  if (!ALLOWED_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    ctx.sink.error(
      node,
      `'${flags}' are not allowed regex flags: use i (ignore case), m, s, u or v`,
      'g, y and d have no meaning when each line is tested once',
    );
    return false;
  }
  const r = compileLinear(pattern, flags);
  if (!isProblem(r)) return true;
  const at = r.index === undefined ? '' : ` (at character ${r.index + 1} of the pattern)`;
  ctx.sink.errorAt(node, r.index === undefined ? undefined : lead + r.index, `regex /${pattern}/ ${r.message}${at}`, r.fix);
  return false;
}

function parseOccurrence(ctx: SelectorContext, node: unknown): Occurrence | undefined {
  const v = ctx.y.js(node);
  if (v === 'first' || v === 'last' || v === 'every') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  if (typeof v === 'string') {
    const guess = didYouMean(v, ['first', 'last', 'every']);
    ctx.sink.error(
      node,
      `occurrence '${v}' is not valid${guess ? ` — did you mean '${guess}'?` : ''}`,
      'use first, last, every, or a number n for the nth match (1 = first)',
    );
  } else if (typeof v === 'number') {
    ctx.sink.error(node, `occurrence ${v} is not valid: the nth match is counted from 1`, 'use first, last, every, or 1, 2, 3…');
  }
  return undefined;
}

/** Resolve `$name` (or `{ alias: name }`) to the alias's raw selector, reporting undefined names. */
function aliasRef(ctx: SelectorContext, node: unknown, name: string): RawSelector | undefined {
  const def = ctx.aliases.get(name);
  if (!def) {
    const guess = didYouMean(name, ctx.aliases.keys());
    const names = [...ctx.aliases.keys()];
    ctx.sink.error(
      node,
      `undefined alias $${name}${guess ? ` — did you mean $${guess}?` : ''}`,
      names.length
        ? `declared aliases: ${names.map((n) => `$${n}`).join(', ')}; declare new ones under \`lines:\`, or write { text: "$${name}" } to match that text`
        : `declare it under \`lines:\` (e.g. lines: { ${name}: … }), or write { text: "$${name}" } to match that text`,
    );
    return undefined;
  }
  def.used = true;
  return { ...def.raw, alias: name };
}

/**
 * Parse one selector as written. `allowAlias` is false inside `lines:` (an alias cannot refer to
 * another alias). Returns undefined after reporting a problem (or on a wrong shape the schema reports).
 */
export function parseRawSelector(ctx: SelectorContext, node: unknown, allowAlias = true): RawSelector | undefined {
  const { y } = ctx;
  const n = y.deref(node);
  if (isScalar(n)) {
    const text = y.text(n);
    if (text === undefined) return undefined;
    if (typeof n.value === 'string') {
      const a = ALIAS_REF.exec(text);
      if (a) {
        if (!allowAlias) {
          ctx.sink.error(n, `an alias cannot refer to another alias ($${a[1]})`, 'repeat the selector here, or write { text: "…" } to match a line starting with $');
          return undefined;
        }
        return aliasRef(ctx, n, a[1]!);
      }
      const r = REGEX_LITERAL.exec(text);
      if (r) {
        const [, pattern, flags] = r as unknown as [string, string, string];
        if (!checkRegex(ctx, n, pattern, flags, 1)) return undefined;
        const sel: RawSelector = { kind: 'regex', pattern, display: displayOf('regex', pattern, flags) };
        if (flags) sel.flags = flags;
        if (flags.includes('i')) sel.ignoreCase = true;
        return sel;
      }
    }
    return { kind: 'text', pattern: text, display: displayOf('text', text) };
  }
  const map = y.asMap(n);
  if (!map) return undefined;
  const forms = (['text', 'contains', 'regex', 'alias'] as const).filter((k) => y.has(map, k));
  if (forms.length === 0) {
    // A misspelled form ({ txt: x }) is already reported by the schema, with a suggestion.
    if (y.keys(map).some((k) => !SELECTOR_KEYS.has(k))) return undefined;
    ctx.sink.error(map, 'a line selector mapping needs one of text, contains, regex or alias', 'e.g. { text: "done fetching", stream: stderr }');
    return undefined;
  }
  if (forms.length > 1) {
    ctx.sink.error(y.pair(map, forms[1]!), `a line selector has both '${forms[0]}' and '${forms[1]}': use one`, `keep only one of ${listWords(forms.map((f) => `'${f}'`)).replace(/ or /, ' and ')}`);
    return undefined;
  }
  const form = forms[0]!;
  const valueNode = y.get(map, form);
  let sel: RawSelector | undefined;
  let ok = true;
  if (form === 'alias') {
    if (!allowAlias) {
      ctx.sink.error(valueNode, 'an alias cannot refer to another alias', 'repeat the selector here');
      return undefined;
    }
    const name = y.text(valueNode);
    if (name === undefined) return undefined;
    sel = aliasRef(ctx, valueNode, name.replace(/^\$/, ''));
    if (!sel) ok = false;
  } else {
    const pattern = y.text(valueNode);
    if (pattern === undefined) return undefined;
    if (form === 'regex') {
      const flags = typeof y.js(y.get(map, 'flags')) === 'string' ? String(y.js(y.get(map, 'flags'))) : '';
      if (REGEX_LITERAL.test(pattern)) {
        ctx.sink.warning(valueNode, `regex '${pattern}' includes slashes: in the mapping form the slashes are part of the pattern`, `write regex: "${pattern.replace(REGEX_LITERAL, '$1')}" (flags go in flags:)`);
      }
      if (!checkRegex(ctx, y.has(map, 'flags') && !ALLOWED_FLAGS.test(flags) ? y.get(map, 'flags') : valueNode, pattern, flags)) ok = false;
      sel = { kind: 'regex', pattern, display: displayOf('regex', pattern, flags) };
      if (flags) sel.flags = flags;
      if (flags.includes('i')) sel.ignoreCase = true;
    } else {
      sel = { kind: form, pattern, display: displayOf(form, pattern) };
    }
  }
  if (y.has(map, 'flags') && form !== 'regex') {
    ctx.sink.error(y.pair(map, 'flags'), `'flags' only goes with 'regex'`, form === 'alias' ? 'put the flags on the alias' : 'use ignore_case: true for text and contains');
    ok = false;
  }
  const streamNode = y.get(map, 'stream');
  const stream = y.js(streamNode);
  if (typeof stream === 'string' && (STREAMS as readonly string[]).includes(stream)) sel = sel && { ...sel, stream: stream as StreamChoice };
  if (y.has(map, 'occurrence')) {
    const occ = parseOccurrence(ctx, y.get(map, 'occurrence'));
    if (occ === undefined) ok = false;
    else sel = sel && { ...sel, occurrence: occ };
  }
  if (y.has(map, 'by')) {
    const byNode = y.get(map, 'by');
    const name = y.js(byNode);
    if (typeof name === 'string' && CORO_NAME.test(name)) {
      ctx.byNodes?.push(byNode as Node);
      sel = sel && { ...sel, by: name };
    } else if (typeof name === 'string') {
      ctx.sink.error(byNode, `by: '${name}' is not a coroutine name`, 'name the async def whose lines these must be, as written in the program: by: print_numbers');
      ok = false;
    }
  }
  if (y.js(y.get(map, 'ignore_case')) === true && sel) {
    sel = { ...sel, ignoreCase: true };
    if (sel.kind === 'regex' && !(sel.flags ?? '').includes('i')) sel.flags = `${sel.flags ?? ''}i`;
  }
  return ok ? sel : undefined;
}

/** Apply defaults: stream from the selector, else the check's `stream:`, else stdout; occurrence first. */
export function finishSelector(raw: RawSelector, checkStream: StreamChoice | undefined): LineSelector {
  const sel: LineSelector = {
    kind: raw.kind,
    pattern: raw.pattern,
    stream: raw.stream ?? checkStream ?? 'stdout',
    occurrence: raw.occurrence ?? 'first',
    display: raw.display,
  };
  if (raw.flags) sel.flags = raw.flags;
  if (raw.ignoreCase) sel.ignoreCase = true;
  if (raw.alias) sel.alias = raw.alias;
  if (raw.by) sel.by = raw.by;
  return sel;
}

export function parseSelector(ctx: SelectorContext, node: unknown, checkStream?: StreamChoice): LineSelector | undefined {
  const raw = parseRawSelector(ctx, node);
  return raw && finishSelector(raw, checkStream);
}

/** Number of capture groups and the group names of a regex selector. */
export function regexGroups(sel: Pick<LineSelector, 'pattern' | 'flags'>): { count: number; names: string[] } {
  const r = compileLinear(sel.pattern, (sel.flags ?? '').replace(/[gy]/g, ''));
  return isProblem(r) ? { count: 0, names: [] } : { count: r.groupCount, names: r.groupNames };
}
