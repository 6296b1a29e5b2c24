/**
 * Spec regexes (JavaScript syntax and flags, as docs/spec-language.md documents them) compiled for
 * RE2, whose matching time is linear in the line's length. Student output is hostile: a
 * backtracking engine lets `/^(a+)+$/` against 30 printed characters stall the grader for minutes.
 * The JS pattern is rewritten where the engines' meanings differ (`\s`, `.`, `[^]`, `\uXXXX`,
 * `(?<name>`); features that need backtracking (lookahead, backreferences) are refused with the
 * index of the construct, so `validate` can point at it.
 */

import { RE2JS } from 're2js';

export interface RegexProblem {
  message: string;
  fix: string;
  /** 0-based index into the pattern of the construct, when known. */
  index?: number;
}

export type Translated = { source: string; flags: number } | { problem: RegexProblem };

// JS's \s (ECMAScript WhiteSpace + LineTerminator) is wider than RE2's [\t\n\f\r ].
const JS_SPACE = '\\t\\n\\v\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
// JS's `.` without the s flag stops at every line terminator, RE2's only at \n.
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const PROPERTY_PREFIX = /^(?:Script|sc|Script_Extensions|scx|General_Category|gc)=/;

const noBacktracking = (what: string, index: number, fix: string): { problem: RegexProblem } => ({
  problem: { message: `uses ${what}, which needs a backtracking regex engine (tracegrade matches student output in linear time)`, fix, index },
});

/** Rewrite a JS pattern for RE2, or say which construct RE2 cannot run. The pattern must already compile as a JS RegExp. */
export function translateRegex(pattern: string, flags = '', ignoreCase = false): Translated {
  const unicode = /[uv]/.test(flags);
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(n)) {
        return noBacktracking(`the backreference \\${n}`, i, 'capture the parts with groups and compare them in a value check, or spell out the repeated text');
      }
      if (n === 'k' && pattern[i + 2] === '<') {
        return noBacktracking('the named backreference \\k<…>', i, 'capture the parts with groups and compare them in a value check, or spell out the repeated text');
      }
      i++;
      if (n === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (n === 'S' && !inClass) out += `[^${JS_SPACE}]`;
      else if (n === 'b' && inClass) out += '\\x08';
      else if (n === '0' && !/[0-9]/.test(pattern[i + 1] ?? '')) out += '\\x00';
      else if (n === 'c' && /[A-Za-z]/.test(pattern[i + 1] ?? '')) out += `\\x{${(pattern.charCodeAt(++i) % 32).toString(16)}}`;
      else if (n === 'u') {
        const braced = unicode ? /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(i + 1)) : null;
        const four = /^[0-9A-Fa-f]{4}/.exec(pattern.slice(i + 1));
        if (braced) (out += `\\x{${braced[1]}}`), (i += braced[0].length);
        else if (four) {
          let cp = parseInt(four[0], 16);
          i += 4;
          const low = /^\\u([dD][c-fC-F][0-9A-Fa-f]{2})/.exec(pattern.slice(i + 1));
          if (cp >= 0xd800 && cp <= 0xdbff && low) (cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00)), (i += 6);
          out += `\\x{${cp.toString(16)}}`;
        } else out += 'u';
      } else if ((n === 'p' || n === 'P') && unicode) {
        const m = /^\{([^}]*)\}/.exec(pattern.slice(i + 1));
        out += m ? `\\${n}{${m[1]!.replace(PROPERTY_PREFIX, '')}}` : `\\${n}`;
        if (m) i += m[0].length;
      } else if (/[A-Za-z]/.test(n) && !/[dDwWsSbBnrtfvx]/.test(n)) out += n; // JS identity escape: \e is "e"
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (flags.includes('v') && (c === '[' || pattern.startsWith('--', i) || pattern.startsWith('&&', i))) {
        return { problem: { message: 'class set operations of the v flag (nested [ ], --, &&) are not supported', fix: 'write the class out, e.g. [a-z] instead of [\\p{L}&&[a-z]]', index: i } };
      }
      out += c;
      continue;
    }
    if (c === '[') {
      if (pattern.startsWith('[^]', i)) (out += '[\\x00-\\x{10FFFF}]'), (i += 2);
      else if (pattern.startsWith('[]', i)) (out += '[^\\x00-\\x{10FFFF}]'), (i += 1);
      else (inClass = true), (out += c);
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      if (pattern[i + 2] === '=' || pattern[i + 2] === '!') {
        return noBacktracking(`the lookahead (?${pattern[i + 2]}…)`, i, 'match the following text as part of the regex, or use a second selector for it');
      }
      if (pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') (out += '(?P<'), (i += 2);
      else out += c;
      continue;
    }
    out += c === '.' && !flags.includes('s') ? JS_DOT : c;
  }
  const f =
    (flags.includes('i') || ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) |
    (flags.includes('m') ? RE2JS.MULTILINE : 0) |
    (flags.includes('s') ? RE2JS.DOTALL : 0) |
    (/\(\?<[=!]/.test(pattern) ? RE2JS.LOOKBEHINDS : 0);
  return { source: out, flags: f };
}

const asNewlines = (s: string): string => s.replace(/[\r\u2028\u2029]/g, '\n');

/** Like RegExpExecArray: [whole, group 1, …], unmatched groups undefined. */
export type RegexMatch = (string | undefined)[] & { index: number; groups?: Record<string, string | undefined> };

/** A spec regex ready to run on student text: linear time, JS-shaped results. */
export interface LinearRegex {
  test(text: string): boolean;
  /** Like RegExp#exec: [whole, group 1, …] with `groups` for named groups, or null. */
  exec(text: string): RegexMatch | null;
  groupCount: number;
  groupNames: string[];
}

/** Compiled once per process: validation, group counting and matching each ask for the same regexes. */
const compiled = new Map<string, LinearRegex | RegexProblem>();
const COMPILED_MAX = 1000;

/** Compile for RE2, or the problem (JS syntax errors first, then constructs RE2 cannot run). */
export function compileLinear(pattern: string, flags = '', ignoreCase = false): LinearRegex | RegexProblem {
  const key = `${flags}${ignoreCase ? 'I' : ''}/${pattern}`;
  let r = compiled.get(key);
  if (!r) {
    r = compileUncached(pattern, flags, ignoreCase);
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(key, r);
  }
  return r;
}

function compileUncached(pattern: string, flags: string, ignoreCase: boolean): LinearRegex | RegexProblem {
  try {
    new RegExp(pattern, flags.replace(/[gy]/g, '')); // only checked, never run on student text
  } catch (err) {
    return { message: `does not compile: ${(err as Error).message}`, fix: 'escape special characters with a backslash (\\( \\[ \\. \\?), or match the text literally with { text: "…" }' };
  }
  const t = translateRegex(pattern, flags, ignoreCase);
  if ('problem' in t) return t.problem;
  try {
    const re = RE2JS.compile(t.source, t.flags);
    // JS's m flag also breaks lines at \r, U+2028 and U+2029, RE2's only at \n: match on a
    // same-length copy with those turned into \n, and take the groups from the original text.
    const multiline = flags.includes('m');
    const exec = (text: string): RegexMatch | null => {
      if (!multiline) return re.exec(text) as unknown as RegexMatch | null;
      const m = re.matcher(asNewlines(text));
      if (!m.find()) return null;
      const slice = (g: number | string) => (m.start(g) < 0 ? undefined : text.slice(m.start(g), m.end(g)));
      const out = Array.from({ length: re.groupCount() + 1 }, (_, g) => slice(g)) as RegexMatch;
      out.index = m.start(0);
      const names = Object.keys(re.namedGroups());
      if (names.length) out.groups = Object.fromEntries(names.map((n) => [n, slice(n)]));
      return out;
    };
    return {
      test: (text) => re.test(multiline ? asNewlines(text) : text),
      exec,
      groupCount: re.groupCount(),
      groupNames: Object.keys(re.namedGroups()),
    };
  } catch (err) {
    const msg = ((err as { error?: string }).error ?? (err as Error).message).replace(/^error parsing regexp: /, '');
    const fix = /repeat count/.test(msg)
      ? 'RE2 allows repeat counts up to 1000: use a smaller count, or + / *'
      : /lookbehind|capture/.test(msg) && /\(\?<[=!]/.test(pattern)
        ? 'a lookbehind cannot contain capture groups: use (?:…) inside it'
        : 'rewrite that part of the regex (RE2 syntax: https://github.com/google/re2/wiki/Syntax)';
    return { message: `cannot run in linear time: ${msg}`, fix };
  }
}

export function isProblem(r: LinearRegex | RegexProblem): r is RegexProblem {
  return 'message' in r;
}
