/**
 * A Node course folder run unmodified (issue 16 item 4), with real Node children at the bwrap
 * level (runtime/node is bound read-only at /opt/tracegrade/N) and at level none: extensionless
 * and folder imports and a CommonJS file among ES modules (run.node_resolve: loose), the
 * instructor's utils.js replacing the student's copy (run.files), run.node_flags, an unhandled
 * rejection graded by its message, one driver under two environments (named runs), the virtual
 * clock through the loose hooks; then `command: [node, …]` under the address-space limit.
 */

import path from 'node:path';
import { gradeOne } from '../src/batch/grade-one.js';
import { runSubmission } from '../src/run/index.js';
import { loadSpecFile, parseSpec } from '../src/spec/load.js';
import type { RunSettings } from '../src/spec/types.js';
import { ROOT } from './curriculum-helpers.js';
import { needs, needsLevel } from './facilities.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'node-course');
const levels = ['bwrap', 'none'] as const;

for (const sandbox of levels) needsLevel(sandbox).describe(`a Node course folder, sandbox level ${sandbox}`, () => {
  const prev = process.env.TRACEGRADE_ACCEPT_NO_ISOLATION;
  beforeAll(() => {
    process.env.TRACEGRADE_ACCEPT_NO_ISOLATION = '1'; // level none as root: the fixtures are ours
  });
  afterAll(() => {
    if (prev === undefined) delete process.env.TRACEGRADE_ACCEPT_NO_ISOLATION;
    else process.env.TRACEGRADE_ACCEPT_NO_ISOLATION = prev;
  });

  test('runs unmodified: every check passes, and strict resolution is what would fail', async () => {
    const loaded = await loadSpecFile(path.join(FIXTURES, 'spec', 'course.yaml'));
    expect(loaded.diagnostics).toEqual([]);
    const result = await gradeOne(loaded.spec!, path.join(FIXTURES, 'student'), { sandbox });
    expect(result.error).toBeUndefined();
    expect(result.checks.filter((c) => c.status !== 'passed').map((c) => [c.id, c.message])).toEqual([]);
    const run = (name: string) => result.runs.find((r) => r.name === name)!;
    const text = (name: string) => run(name).trace.map((l) => `${l.stream}: ${l.text}`);

    // The instructor's utils.js replaced the student's own copy ('my-own-photo', 'Student Copy').
    expect(text('signup')).toEqual(['stdout: photo-profile-1 Guillaume Salva']);
    // The loose hooks' start-up is not the program's time: the photo arrives at ~0.5 s.
    expect(run('signup').trace[0]!.tMs).toBeLessThan(1500);
    // The hooks thread is a second V8 isolate: with a 64 MB heap it still gets the address space it needs.
    expect(text('small')).toEqual(['stdout: photo-profile-1 Guillaume Salva']);
    expect(text('mixed').slice(0, 2)).toEqual(['stdout: signup from legacy.js', 'stdout: twice 42']);
    expect(text('flags')).toContain('stdout: title tgcourse');
    // The rejection's message, not its stack or the machine's paths; exit code 1 as under Node.
    expect(text('reject')).toEqual(['stdout: called', 'stderr: Unhandled rejection: Error: guillaume.jpg cannot be processed']);
    expect([run('reject').exitCode, run('reject').end]).toEqual([1, 'exited']);
    expect([run('virtual').clock, run('virtual').trace[0]!.tMs]).toEqual(['virtual', 500]);
    expect([text('lang-en'), text('lang-fr')]).toEqual([['stdout: Hello (en_US.UTF-8)'], ['stdout: Bonjour (fr_FR.UTF-8)']]);
    // Without node_resolve: loose, Node refuses the extensionless import.
    expect(run('strict').exitCode).toBe(1);
    expect(text('strict').join('\n')).toMatch(/ERR_MODULE_NOT_FOUND[^\n]*3-all/);
  });

  test('unhandled_rejection and exit_code fail as they should: forbidden, a wrong message, exit code 0', async () => {
    const spec = parseSpec(
      `name: rejection-fails
run: { runtime: node, node_resolve: loose, files: [spec/drivers/5-main.js], entry: 5-main.js }
checks:
  - { id: forbidden, unhandled_rejection: forbidden }
  - { id: message, unhandled_rejection: { message: "Error: other" } }
  - { id: exit-0, exit_code: 0 }
`,
      path.join(FIXTURES, 'x.yaml'),
    ).spec!;
    const result = await gradeOne(spec, path.join(FIXTURES, 'student'), { sandbox });
    expect(result.checks.map((c) => [c.id, c.status, c.message])).toEqual([
      ['forbidden', 'failed', expect.stringContaining("expected no unhandled promise rejection; it ended with one: 'Unhandled rejection: Error: guillaume.jpg cannot be processed' at")],
      ['message', 'failed', expect.stringContaining("expected an unhandled rejection matching 'Error: other'")],
      // The rejection line is the error the explanation points at.
      ['exit-0', 'failed', expect.stringMatching(/^expected exit code 0; it exited with code 1 after .*; the error is 'Unhandled rejection: Error: guillaume\.jpg cannot be processed'/)],
    ]);
  });
});

const EXPECTED_DIAGNOSTICS = [
  ['node_flags: "stack-size=2000" is not a Node flag (a flag starts with -)', 4],
  ["'node_resolve' only applies with runtime: node (this spec runs python)", 8],
  ["'runs.js.node_resolve' cannot be 'sloppy'", 9],
  ['unhandled_rejection: "maybe" is not required, allowed or forbidden', 10],
];

test('node_flags, node_resolve and unhandled_rejection are validated where they are written', () => {
  const text = `name: bad-node
run:
  runtime: node
  node_flags: [--no-warnings, stack-size=2000]
runs:
  py:
    runtime: python
    node_resolve: loose
  js: { node_resolve: sloppy }
checks: [{ id: a, unhandled_rejection: maybe }]
`;
  const diags = parseSpec(text, '/tmp/bad-node.yaml').diagnostics.filter((d) => d.severity === 'error');
  expect(diags.map((d) => [d.message, d.line])).toEqual(EXPECTED_DIAGNOSTICS);
});

const command = (argv: string[]): RunSettings => ({ runtime: 'command', command: argv, entry: 'main.cjs', args: [], env: {}, files: [], limits: { wallMs: 20_000 }, clock: 'real', repeat: 1, policy: 'all' });

needs('bwrap').describe('command: node under the address-space limit', () => {
  test("a command that starts node gets V8's allowance; one that hides node says memory is the likely cause", async () => {
    const submission = path.join(FIXTURES, 'command');
    const direct = await runSubmission({ submission, settings: command(['node', '{entry}']), sandbox: 'bwrap' });
    expect([direct.exitCode, direct.trace.map((l) => l.text)]).toEqual([0, ['node under command: string']]);
    // Through sh, tracegrade cannot see node: 512 MiB of address space, and V8 aborts at start.
    const hidden = await runSubmission({ submission, settings: command(['sh', '-c', 'exec node main.cjs']), sandbox: 'bwrap' });
    expect([hidden.signal, hidden.end]).toEqual(['SIGTRAP', 'memory-limit']);
    expect(hidden.endDetail).toMatch(/^killed by SIGTRAP before printing anything: most likely the address-space limit \(512 MiB\) is too small .*raise it with run\.limits\.memory/);
  });
});
