/**
 * CI logs execute what they print. The GitHub runner (actions/runner, ActionCommand.cs) treats a
 * line as a workflow command when, after .NET TrimStart (any Unicode whitespace), it starts with
 * `::name` (registered names, any case: warning, error, add-mask, set-output, stop-commands…), or
 * when `##[name` appears anywhere in it. GitLab opens and closes collapsible sections on
 * `section_start:<time>:<name>` / `section_end:` markers. Student text reaches our lines (even
 * through word wrap), so two layers: `defuseLine` on every line we print, and
 * `::stop-commands::<random token>` around the report that quotes the student (`stopCommands`).
 */

import { randomBytes } from 'node:crypto';

// What the runner's TrimStart skips (whitespace), what ICU's culture-sensitive StartsWith ignores
// (zero-width, soft hyphen), and our own colour codes, which the runner does not strip either.
// eslint-disable-next-line no-control-regex
// ICU also ignores combining marks and variation selectors (\p{Mn}, \p{Me}) when comparing.
const IGNORABLE = '\\p{Mn}\\p{Me}\\p{Cf}';
const JUNK = `(?:\\x1b\\[[0-9;]*m|[\\s\\u0085\\u180E${IGNORABLE}])*`;
const IGNORABLES = new RegExp(`[${IGNORABLE}]`, 'gu');
const LEAD = new RegExp(`^(${JUNK}):(?=[${IGNORABLE}]*:)`, 'u');
const ALL_JUNK = new RegExp(`^${JUNK}$`, 'u');

/** Neutralise one output line: no command may start it or hide in it. The text stays readable (`\x3a` is how we show any escaped character). */
export function defuseLine(line: string): string {
  let out = line.replace(LEAD, '$1\\x3a');
  if (out.includes('##[')) out = out.replace(/##\[/g, '#\\x23[');
  // `#\u{FE0F}#[` is `##[` to a culture-sensitive IndexOf: then no '#' of the line stays raw.
  if (out.replace(IGNORABLES, '').includes('##[')) out = out.replace(/#/g, '\\x23');
  if (/section_(?:start|end):/i.test(out)) out = out.replace(/section_(start|end):/gi, (_m, w: string) => `section\\x5f${w}:`);
  return out;
}

/** Defuse every line of a chunk of text (a chunk ending mid-line is defused as a line too: a command needs a line start, and writes start lines here). */
export function defuseText(s: string): string {
  return s.split('\n').map(defuseLine).join('\n');
}

export interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
  /** Write a workflow command of ours unchanged (annotations, stop/resume). Absent: `write`. */
  command?(line: string): void;
}

export const inGitHubActions = (env: Record<string, string | undefined>): boolean => env.GITHUB_ACTIONS === 'true';
export const inCi = (env: Record<string, string | undefined>): boolean => inGitHubActions(env) || env.GITLAB_CI === 'true' || env.CI === 'true';

/** Write a command line of ours, bypassing a defusing stream. */
export function writeCommand(out: Out, line: string): void {
  if (out.command) out.command(line);
  else out.write(`${line}\n`);
}

/**
 * A stream whose every line is defused (the CLI wraps stdout and stderr with it in CI). A write
 * that continues a line is a line start only if the line so far is blank, as the runner sees it.
 */
export function defusingOut(out: Out): Out {
  let blankSoFar = true; // the current line holds only what TrimStart would skip
  return {
    get isTTY() {
      return out.isTTY;
    },
    get columns() {
      return out.columns;
    },
    write(s: string) {
      const parts = s.split('\n');
      const fixed = parts.map((p, i) => (i === 0 && !blankSoFar ? p.replace(/##\[/g, '#\\x23[') : defuseLine(p)));
      const last = parts[parts.length - 1]!;
      blankSoFar = parts.length > 1 ? ALL_JUNK.test(last) : blankSoFar && ALL_JUNK.test(last);
      return out.write(fixed.join('\n'));
    },
    command(line: string) {
      if (!blankSoFar) out.write('\n');
      out.write(`${line}\n`);
      blankSoFar = true;
    },
  };
}

/** `::stop-commands::<token>` … `::<token>::` around `body`, on GitHub Actions; `body` elsewhere. */
export function stopCommands(out: Out, env: Record<string, string | undefined>, body: () => void): void {
  if (!inGitHubActions(env)) return body();
  const token = `tracegrade-${randomBytes(16).toString('hex')}`;
  writeCommand(out, `::stop-commands::${token}`);
  try {
    body();
  } finally {
    writeCommand(out, `::${token}::`);
  }
}
