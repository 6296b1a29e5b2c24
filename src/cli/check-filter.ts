/**
 * `-t/--check <pattern>`: run only the checks whose id or title matches, like Jest's -t.
 * A plain pattern is a case-insensitive substring; `/regex/flags` is a regular expression,
 * matched by RE2JS in linear time (no backtracking blow-up, whatever the pattern). A check the
 * selected ones `requires` still runs — its verdict decides whether they are skipped — and is
 * named as such, so the output never hides why a selected check was skipped.
 */

import type { Spec } from '../spec/types.js';
import { CliError, EXIT } from './errors.js';

export type Matcher = (text: string) => boolean;

/** The pattern as a matcher, or a usage error saying why a /regex/ does not compile. */
export async function checkMatcher(pattern: string): Promise<Matcher> {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (!re) {
    const needle = pattern.toLowerCase();
    return (text) => text.toLowerCase().includes(needle);
  }
  const { RE2JS } = await import('re2js');
  const [, body, flags] = re as unknown as [string, string, string];
  let f = 0;
  for (const c of flags) {
    if (c === 'i') f |= RE2JS.CASE_INSENSITIVE;
    else if (c === 's') f |= RE2JS.DOTALL;
    else if (c === 'm') f |= RE2JS.MULTILINE;
    else if (c !== 'u') throw new CliError(`--check ${pattern}: flag '${c}' is not supported (use i, m, s)`, EXIT.usage);
  }
  try {
    const compiled = RE2JS.compile(body, f);
    return (text) => compiled.matcher(text).find();
  } catch (err) {
    throw new CliError(
      `--check ${pattern} is not a regular expression tracegrade can match in linear time: ${(err as Error).message}`,
      EXIT.usage,
      'Backreferences and lookarounds are not supported; a plain word matches as a substring of the id or title.',
    );
  }
}

export interface Filtered {
  spec: Spec;
  /** Ids selected by the pattern. */
  selected: string[];
  /** Ids kept only because a selected check requires them (run, and named as such). */
  required: string[];
}

/** The spec with only the matching checks and everything they transitively require. */
export function filterChecks(spec: Spec, match: Matcher): Filtered {
  const byId = new Map(spec.checks.map((c) => [c.id, c]));
  const selected = spec.checks.filter((c) => match(c.id) || match(c.title)).map((c) => c.id);
  const keep = new Set(selected);
  const queue = [...selected];
  while (queue.length > 0) {
    for (const r of byId.get(queue.pop()!)?.requires ?? []) {
      if (!keep.has(r) && byId.has(r)) {
        keep.add(r);
        queue.push(r);
      }
    }
  }
  return {
    spec: { ...spec, checks: spec.checks.filter((c) => keep.has(c.id)) },
    selected,
    required: spec.checks.filter((c) => keep.has(c.id) && !selected.includes(c.id)).map((c) => c.id),
  };
}

/** "2 checks match 'count' (counts-to-nine, done-around-eight), and 1 they require runs too (exits)". */
export function describeFilter(pattern: string, f: Filtered): string {
  const n = f.selected.length;
  const req = f.required.length;
  return (
    `${n} check${n === 1 ? ' matches' : 's match'} '${pattern}' (${f.selected.join(', ')})` +
    (req ? `; ${req} check${req === 1 ? '' : 's'} they require run${req === 1 ? 's' : ''} too (${f.required.join(', ')})` : '')
  );
}
