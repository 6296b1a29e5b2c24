/**
 * CI injection: a corpus of hostile printed lines through every reporter that writes to the job
 * log, read back by a parser that does what actions/runner does (src/Runner.Common/ActionCommand.cs,
 * src/Runner.Worker/ActionCommandManager.cs): lines split like StreamReader.ReadLine (\r, \n),
 * V2 `::name …::data` after a Unicode TrimStart, V1 `##[name …]data` anywhere in the line,
 * registered names case-insensitively, and `::stop-commands::<token>` pausing until `::<token>::`.
 * The same attack as a submission (test/hostile/ci_commands.py) graded by the CLI at every
 * sandbox level: test/run-hostile-cli.test.ts.
 */

import { describe, expect, test } from '@jest/globals';
import { defuseLine, defusingOut, stopCommands } from '../src/report/ci-log.js';
import { annotationLines, annotations, githubReporter, mdCell, summaryLines } from '../src/report/github.js';
import { excerptText } from '../src/report/text.js';
import { renderSubmission, terminalReporter } from '../src/report/terminal.js';
import { classResults } from './fixtures/results/fetch-and-count.js';
import { HOSTILE_LINES, hostileResults, hostileSubmission } from './fixtures/results/hostile-ci.js';
import { cleanupTempDirs, fakeContext } from './fixtures/results/helpers.js';
import { runnerCommands } from './ci-runner.js';

afterAll(cleanupTempDirs);

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
