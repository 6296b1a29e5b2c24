/**
 * CI injection: a corpus of hostile printed lines through every reporter that writes to the job
 * log, read back by a parser that does what actions/runner does (src/Runner.Common/ActionCommand.cs,
 * src/Runner.Worker/ActionCommandManager.cs): lines split like StreamReader.ReadLine (\r, \n),
 * V2 `::name …::data` after a Unicode TrimStart, V1 `##[name …]data` anywhere in the line,
 * registered names case-insensitively, and `::stop-commands::<token>` pausing until `::<token>::`.
 */

import { describe, expect, test } from '@jest/globals';
import { defuseLine, defusingOut, stopCommands } from '../src/report/ci-log.js';
import { annotationLines, annotations, githubReporter, mdCell, summaryLines } from '../src/report/github.js';
import { excerptText } from '../src/report/text.js';
import { renderSubmission, terminalReporter } from '../src/report/terminal.js';
import { classResults } from './fixtures/results/fetch-and-count.js';
import { HOSTILE_LINES, hostileResults, hostileSubmission } from './fixtures/results/hostile-ci.js';
import { cleanupTempDirs, fakeContext } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

const REGISTERED = ['add-mask', 'add-matcher', 'add-path', 'debug', 'echo', 'endgroup', 'error', 'group', 'notice', 'remove-matcher', 'save-state', 'set-env', 'set-output', 'stop-commands', 'warning'];
// .NET char.IsWhiteSpace, plus what ICU's culture-sensitive StartsWith ignores (zero-width, soft hyphen).
const DOTNET_TRIM = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;
// Culture-sensitive StartsWith/IndexOf (ICU) ignore these: model it by removing them.
const IGNORED = /[\p{Mn}\p{Me}\p{Cf}]/gu;

interface Executed {
  name: string;
  data: string;
}

/** The commands the runner would execute for this log. */
function runnerCommands(log: string): Executed[] {
  const out: Executed[] = [];
  const registered = new Set(REGISTERED);
  let stopToken: string | undefined;
  for (const line of log.split(/\r\n|\r|\n/)) {
    let cmd: Executed | undefined;
    const v2 = line.replace(DOTNET_TRIM, '').replace(IGNORED, '');
    if (v2.startsWith('::')) {
      const end = v2.indexOf('::', 2);
      if (end >= 0) {
        const info = v2.slice(2, end);
        const name = (info.includes(' ') ? info.slice(0, info.indexOf(' ')) : info).toLowerCase();
        if (registered.has(name)) cmd = { name, data: v2.slice(end + 2) };
      }
    }
    const bare = line.replace(IGNORED, '');
    const at = bare.indexOf('##[');
    if (!cmd && at >= 0) {
      const rb = bare.indexOf(']', at);
      if (rb >= 0) {
        const info = bare.slice(at + 3, rb);
        const name = (info.includes(' ') ? info.slice(0, info.indexOf(' ')) : info).toLowerCase();
        if (registered.has(name)) cmd = { name, data: bare.slice(rb + 1) };
      }
    }
    if (!cmd) continue;
    if (stopToken !== undefined) {
      if (cmd.name === stopToken) {
        registered.delete(stopToken);
        stopToken = undefined;
        out.push({ name: 'resume', data: cmd.name });
      }
      continue;
    }
    if (cmd.name === 'stop-commands') {
      stopToken = cmd.data.toLowerCase();
      registered.add(stopToken);
    }
    out.push(cmd);
  }
  return out;
}

const GH = { GITHUB_ACTIONS: 'true' };

describe('the runner mimic', () => {
  test('executes the hostile corpus when printed raw (the corpus is really hostile)', () => {
    const names = runnerCommands(HOSTILE_LINES.join('\n')).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['warning', 'add-mask', 'set-output', 'stop-commands']));
    const each = HOSTILE_LINES.filter((l) => runnerCommands(l).length > 0);
    expect(each.length).toBeGreaterThanOrEqual(11);
  });
});

describe('defuseLine: no line of ours starts or holds a command', () => {
  test.each(HOSTILE_LINES.flatMap((l) => l.split(/\r|\n/)))('%j', (line) => {
    expect(runnerCommands(defuseLine(line))).toEqual([]);
    expect(defuseLine(line)).not.toMatch(/section_(start|end):/);
  });

  test('plain text is untouched', () => {
    expect(defuseLine('done fetching: 2 items :: ok')).toBe('done fetching: 2 items :: ok');
  });

  test('a stream that continues a blank line still defuses', () => {
    const chunks: string[] = [];
    const out = defusingOut({ write: (s: string) => chunks.push(s) });
    out.write('   ');
    out.write('::warning::x\n');
    out.write('value: ');
    out.write('::error::not a line start\n');
    out.command!('::error::ours');
    expect(runnerCommands(chunks.join(''))).toEqual([{ name: 'error', data: 'ours' }]);
  });
});

describe('every reporter that writes to the job log', () => {
  const ours = (log: string) => runnerCommands(log).filter((c) => c.name !== 'resume');

  test('terminal, one submission: only our stop/resume pair runs, and even without it nothing would', async () => {
    const ctx = fakeContext(GH);
    await terminalReporter.write(hostileResults(), ctx);
    const log = ctx.out();
    const cmds = runnerCommands(log);
    expect(cmds.map((c) => c.name)).toEqual(['stop-commands', 'resume']);
    expect(cmds[0]!.data).toMatch(/^tracegrade-[0-9a-f]{32}$/);
    // Second layer: the body alone (as if stop-commands were ignored) runs nothing.
    const body = log.split('\n').slice(1, -2).join('\n');
    expect(ours(body)).toEqual([]);
    expect(log).not.toMatch(/section_(start|end):/);
    expect(log).toContain('hunter2'); // shown, not hidden: the text stays readable
  });

  test('terminal, narrow and coloured: word wrap never puts a command at a line start', () => {
    for (const width of [40, 60, 80, 100, 120]) {
      for (const color of [false, true]) {
        const text = renderSubmission(hostileSubmission(), { color, showHidden: true, width });
        const chunks: string[] = [];
        const out = defusingOut({ write: (s: string) => chunks.push(s) });
        out.write(text);
        expect([width, color, ours(chunks.join(''))]).toEqual([width, color, []]);
      }
    }
  });

  test('terminal, a class: summary lines', async () => {
    const results = classResults();
    results.submissions.push(hostileSubmission());
    const ctx = fakeContext(GH);
    await terminalReporter.write(results, ctx);
    expect(runnerCommands(ctx.out()).map((c) => c.name)).toEqual(['stop-commands', 'resume']);
  });

  test('github: only our own ::error annotations run, each with its whole message', async () => {
    const ctx = fakeContext({ ...GH, GITHUB_WORKSPACE: '/work/main' });
    await githubReporter.write(hostileResults(), ctx);
    const cmds = runnerCommands(ctx.out());
    expect(cmds.length).toBe(annotationLines(annotations(hostileResults(), { cwd: '/work/main', showHidden: true })).length);
    for (const c of cmds) expect(c.name).toBe('error');
  });

  test('text excerpts (JUnit, Gradescope bodies) printed to a log run nothing', () => {
    const s = hostileSubmission();
    expect(ours(excerptText(s.runs[0]!, s.checks[0]!.lines, { width: 60 }))).toEqual([]);
  });

  test('stopCommands is a no-op outside GitHub Actions', () => {
    const chunks: string[] = [];
    stopCommands({ write: (s: string) => chunks.push(s) }, {}, () => chunks.push('x'));
    expect(chunks).toEqual(['x']);
  });
});

describe('the step summary renders no student Markdown', () => {
  test('links, images, autolinks, HTML, emphasis and pipes become entities', () => {
    for (const l of HOSTILE_LINES) {
      const cell = mdCell(l);
      expect(cell).not.toMatch(/[[\]<>!|*`]|:\/\/|www\.|@\w/);
    }
    const md = summaryLines(hostileResults(), { showHidden: true }).join('\n');
    expect(md).not.toMatch(/\]\(|!\[|https?:\/\/|www\.evil/);
  });
});
