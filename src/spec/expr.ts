/**
 * The arithmetic mini-language of value targets and time bounds: `max($delays)`,
 * `runtime / 5`, `$each * 5`, `delay($start, $done) + 0.1`. Parsed here into a tree (never
 * `eval`), with the offset of every problem so `validate` can point into the string.
 *
 *   expr   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := '-' unary | atom
 *   atom   := number | 'runtime' | '$' name | fn '(' '$' name ')' | 'time' '(' '$' name ')'
 *           | 'delay' '(' '$' name ',' '$' name ')' | '(' expr ')'
 *   fn     := max | min | sum | count | mean
 *
 * Times (runtime, time, delay) are in seconds, as programs print them. Aliases stay names here:
 * the loader resolves them (expr-resolve.ts).
 */

import { didYouMean } from './suggest.js';

export const AGGREGATES = ['max', 'min', 'sum', 'count', 'mean'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
const FUNCTIONS = [...AGGREGATES, 'time', 'delay'];

/** An expression tree; `T` is how a line is named (an alias name when parsed, a selector once resolved). */
export type ExprOf<T> =
  | { op: 'num'; value: number }
  | { op: 'runtime' }
  | { op: 'capture'; line: T }
  | { op: 'agg'; fn: Aggregate; line: T }
  | { op: 'time'; line: T }
  | { op: 'delay'; from: T; to: T }
  | { op: 'neg'; a: ExprOf<T> }
  | { op: '+' | '-' | '*' | '/'; a: ExprOf<T>; b: ExprOf<T> };

/** An alias named in the text, and where. */
export interface NameRef {
  name: string;
  offset: number;
}

export type ParseResult = { ok: true; expr: ExprOf<NameRef> } | { ok: false; offset: number; message: string; hint: string };

interface Tok {
  kind: 'num' | 'name' | 'alias' | 'op' | 'end';
  text: string;
  offset: number;
}

const TOKEN = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_]\w*)|\$([A-Za-z_](?:\w|-(?=\w))*)|([-+*/(),]))/y;

function tokenize(src: string): Tok[] | { offset: number; message: string; hint: string } {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(src);
    if (!m) {
      const offset = at + (/^\s*/.exec(src.slice(at))?.[0].length ?? 0);
      return { offset, message: `'${src[offset]}' is not part of an expression`, hint: 'use numbers, runtime, $alias, + - * / ( ), max/min/sum/count/mean($alias), time($alias), delay($a, $b)' };
    }
    const offset = at + m[0].length - m[0].trimStart().length;
    if (m[1] !== undefined) out.push({ kind: 'num', text: m[1], offset });
    else if (m[2] !== undefined) out.push({ kind: 'name', text: m[2], offset });
    else if (m[3] !== undefined) out.push({ kind: 'alias', text: m[3], offset });
    else out.push({ kind: 'op', text: m[4]!, offset });
    at = TOKEN.lastIndex;
  }
  out.push({ kind: 'end', text: '', offset: src.length });
  return out;
}

class Failure {
  constructor(readonly offset: number, readonly message: string, readonly hint: string) {}
}

/** Parse an expression; on a problem, the offset of the offending token. */
export function parseExpr(src: string): ParseResult {
  const toks = tokenize(src);
  if (!Array.isArray(toks)) return { ok: false, ...toks };
  let i = 0;
  const peek = () => toks[i]!;
  const fail = (t: Tok, message: string, hint: string): never => {
    throw new Failure(t.offset, message, hint);
  };
  const expect = (text: string, what: string) => {
    const t = peek();
    if (t.text !== text || t.kind !== 'op') fail(t, `expected '${text}' ${what}, found ${t.kind === 'end' ? 'the end' : `'${t.text}'`}`, `e.g. max($delays), delay($start, $done)`);
    i++;
  };
  const alias = (fn: string): NameRef => {
    const t = peek();
    if (t.kind !== 'alias') fail(t, `${fn}( ) takes an $alias, not ${t.kind === 'end' ? 'nothing' : `'${t.text}'`}`, `e.g. ${fn === 'delay' ? 'delay($start, $done)' : `${fn}($delays)`}`);
    i++;
    return { name: t.text, offset: t.offset };
  };
  const atom = (): ExprOf<NameRef> => {
    const t = peek();
    i++;
    if (t.kind === 'num') return { op: 'num', value: Number(t.text) };
    if (t.kind === 'alias') return { op: 'capture', line: { name: t.text, offset: t.offset } };
    if (t.kind === 'op' && t.text === '(') {
      const e = sum();
      expect(')', 'to close the parenthesis');
      return e;
    }
    if (t.kind === 'name') {
      if (t.text === 'runtime') return { op: 'runtime' };
      if (!FUNCTIONS.includes(t.text)) {
        const guess = didYouMean(t.text, FUNCTIONS.concat('runtime'));
        fail(t, `unknown name '${t.text}'${guess ? ` — did you mean '${guess}'?` : ''}`, 'names: runtime, max, min, sum, count, mean, time, delay; captured values are $alias');
      }
      expect('(', `after ${t.text}`);
      let e: ExprOf<NameRef>;
      if (t.text === 'time') e = { op: 'time', line: alias('time') };
      else if (t.text === 'delay') {
        const from = alias('delay');
        expect(',', 'between the two lines of delay');
        e = { op: 'delay', from, to: alias('delay') };
      } else e = { op: 'agg', fn: t.text as Aggregate, line: alias(t.text) };
      expect(')', `to close ${t.text}(`);
      return e;
    }
    return fail(t, t.kind === 'end' ? 'the expression ends too early' : `unexpected '${t.text}'`, 'an operand goes here: a number, runtime, $alias or a function');
  };
  const unary = (): ExprOf<NameRef> => {
    if (peek().kind === 'op' && peek().text === '-') {
      i++;
      return { op: 'neg', a: unary() };
    }
    return atom();
  };
  const term = (): ExprOf<NameRef> => {
    let a = unary();
    while (peek().kind === 'op' && (peek().text === '*' || peek().text === '/')) {
      const op = peek().text as '*' | '/';
      i++;
      a = { op, a, b: unary() };
    }
    return a;
  };
  const sum = (): ExprOf<NameRef> => {
    let a = term();
    while (peek().kind === 'op' && (peek().text === '+' || peek().text === '-')) {
      const op = peek().text as '+' | '-';
      i++;
      a = { op, a, b: term() };
    }
    return a;
  };
  try {
    const expr = sum();
    const t = peek();
    if (t.kind !== 'end') fail(t, `unexpected '${t.text}' after a complete expression`, 'join the parts with an operator: + - * /');
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, offset: e.offset, message: e.message, hint: e.hint };
    throw e;
  }
}

/** Every line name an expression refers to, with how it is used. */
export function namesOf<T>(e: ExprOf<T>): Array<{ line: T; use: 'capture' | 'agg' | 'time' }> {
  switch (e.op) {
    case 'num':
    case 'runtime':
      return [];
    case 'capture':
      return [{ line: e.line, use: 'capture' }];
    case 'agg':
      return [{ line: e.line, use: 'agg' }];
    case 'time':
      return [{ line: e.line, use: 'time' }];
    case 'delay':
      return [{ line: e.from, use: 'time' }, { line: e.to, use: 'time' }];
    case 'neg':
      return namesOf(e.a);
    default:
      return [...namesOf(e.a), ...namesOf(e.b)];
  }
}

/** Map the line names of a tree (resolving aliases to selectors). */
export function mapLines<T, U>(e: ExprOf<T>, f: (t: T) => U): ExprOf<U> {
  switch (e.op) {
    case 'num':
    case 'runtime':
      return e;
    case 'capture':
    case 'agg':
    case 'time':
      return { ...e, line: f(e.line) };
    case 'delay':
      return { op: 'delay', from: f(e.from), to: f(e.to) };
    case 'neg':
      return { op: 'neg', a: mapLines(e.a, f) };
    default:
      return { op: e.op, a: mapLines(e.a, f), b: mapLines(e.b, f) };
  }
}
