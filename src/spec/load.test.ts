/** The YAML forms of every construct, selector and setting normalize to the Spec model. */

import { describe, expect, test } from '@jest/globals';
import { formatDiagnostic, parseSpec } from './load.js';
import type { Check, CheckBody, Spec } from './types.js';

const HEADER = `
lines:
  start: start fetching
  done: done fetching
  number: /^\\d$/
  took: "/took ([\\\\d.]+) s/"
  warn: { contains: RuntimeWarning, stream: stderr }
checks:
`;

/** Load a spec made of HEADER + the given check items; fail loudly with the diagnostics. */
function load(checks: string, header = HEADER): Spec {
  const text = header + checks;
  const r = parseSpec(text, 'mem.yaml');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !r.spec) throw new Error(errors.map((d) => formatDiagnostic(d, text)).join('\n') || 'no spec');
  return r.spec;
}

function one(item: string): Check {
  // Use every alias so no "unused alias" warning clutters the result.
  const spec = load(`${item}
  - { id: zz-uses-aliases, group: [$start, $done, $number, $took, $warn] }
`);
  return spec.checks[0]!;
}

function body(item: string): CheckBody {
  return one(item).body;
}

const stdoutText = (pattern: string) => ({ kind: 'text', pattern, stream: 'stdout', occurrence: 'first', display: `'${pattern}'` });

describe('selectors', () => {
  test('plain string is a whole-line text selector on stdout, first occurrence', () => {
    expect(body(`  - id: a\n    exists: done fetching`)).toEqual({ kind: 'exists', line: stdoutText('done fetching') });
  });

  test('/re/flags is a regex; the i flag also sets ignoreCase', () => {
    expect(body(`  - id: a\n    exists: /Done\\s+fetching/i`)).toEqual({
      kind: 'exists',
      line: { kind: 'regex', pattern: 'Done\\s+fetching', flags: 'i', ignoreCase: true, stream: 'stdout', occurrence: 'first', display: '/Done\\s+fetching/i' },
    });
  });

  test('$alias resolves to the alias selector, keeping its name and a readable display', () => {
    const b = body(`  - id: a\n    exists: $done`);
    expect(b).toEqual({ kind: 'exists', line: { ...stdoutText('done fetching'), alias: 'done' } });
  });

  test('an alias declared on stderr keeps its stream; others take the check stream', () => {
    const b = body(`  - id: a\n    stream: any\n    order: [$warn, $done, plain]`);
    expect(b.kind === 'order' && b.lines.map((l) => l.stream)).toEqual(['stderr', 'any', 'any']);
  });

  test('mapping forms: text, contains, regex with flags, ignore_case, stream, occurrence', () => {
    const b = body(`  - id: a
    group:
      - { text: "$done", stream: stderr }
      - { contains: fetch, ignore_case: true, occurrence: last }
      - { regex: "^\\\\d+$", flags: m, occurrence: 3 }
      - { regex: x, ignore_case: true, occurrence: every }`);
    expect(b).toEqual({
      kind: 'group',
      lines: [
        { kind: 'text', pattern: '$done', stream: 'stderr', occurrence: 'first', display: "'$done'" },
        { kind: 'contains', pattern: 'fetch', ignoreCase: true, stream: 'stdout', occurrence: 'last', display: "contains 'fetch'" },
        { kind: 'regex', pattern: '^\\d+$', flags: 'm', stream: 'stdout', occurrence: 3, display: '/^\\d+$/m' },
        { kind: 'regex', pattern: 'x', flags: 'i', ignoreCase: true, stream: 'stdout', occurrence: 'every', display: '/x/' },
      ],
    });
  });

  test('an alias refined by a mapping keeps the alias and overrides occurrence/stream', () => {
    const b = body(`  - id: a\n    exists: { alias: done, occurrence: last, stream: any }`);
    expect(b).toEqual({ kind: 'exists', line: { ...stdoutText('done fetching'), alias: 'done', occurrence: 'last', stream: 'any' } });
  });

  test('YAML numbers keep the text they were written with', () => {
    const b = body(`  - id: a\n    order: [0, 07, 0.50, 1e3]`);
    expect(b.kind === 'order' && b.lines.map((l) => l.pattern)).toEqual(['0', '07', '0.50', '1e3']);
  });

  test('a quote inside the text is displayed inside double quotes', () => {
    const b = body(`  - id: a\n    exists: "{'data': 1}"`);
    expect(b.kind === 'exists' && b.line.display).toBe(`"{'data': 1}"`);
  });

  test('spec.aliases holds every alias with defaults applied', () => {
    const spec = load(`  - { id: a, group: [$start, $done, $number, $took, $warn] }\n`);
    expect(spec.aliases.number).toEqual({ kind: 'regex', pattern: '^\\d$', stream: 'stdout', occurrence: 'first', display: '/^\\d$/', alias: 'number' });
    expect(spec.aliases.warn).toEqual({ kind: 'contains', pattern: 'RuntimeWarning', stream: 'stderr', occurrence: 'first', display: "contains 'RuntimeWarning'", alias: 'warn' });
  });
});

describe('ordering constructs', () => {
  test('absent with stream and scope (the check stream applies to scope selectors too)', () => {
    expect(body(`  - id: a\n    absent: /Traceback/\n    stream: stderr\n    scope: { after: { alias: start, stream: stdout }, before: $done }`)).toEqual({
      kind: 'absent',
      line: { kind: 'regex', pattern: 'Traceback', stream: 'stderr', occurrence: 'first', display: '/Traceback/' },
      scope: { after: { ...stdoutText('start fetching'), alias: 'start' }, before: { ...stdoutText('done fetching'), alias: 'done', stream: 'stderr' } },
    });
  });

  test('count: exactly / range', () => {
    expect(body(`  - id: a\n    count: { line: $number, exactly: 10 }`)).toMatchObject({ kind: 'count', exactly: 10, line: { alias: 'number' } });
    const r = body(`  - id: a\n    count: { line: x, at_least: 2, at_most: 4 }`);
    expect(r).toEqual({ kind: 'count', line: stdoutText('x'), atLeast: 2, atMost: 4 });
  });

  test('first and last', () => {
    expect(body(`  - id: a\n    first: tim`)).toEqual({ kind: 'first', line: stdoutText('tim') });
    expect(body(`  - id: a\n    last: "9"`)).toEqual({ kind: 'last', line: stdoutText('9') });
  });

  test('order (loose and strict) and next (= strict order of two)', () => {
    expect(body(`  - id: a\n    order: [tim, finished, text]`)).toEqual({ kind: 'order', strict: false, lines: ['tim', 'finished', 'text'].map(stdoutText) });
    expect(body(`  - id: a\n    order: [a, b, c]\n    strict: true`)).toMatchObject({ kind: 'order', strict: true });
    expect(body(`  - id: a\n    next: [$done, x]`)).toEqual({ kind: 'order', strict: true, lines: [{ ...stdoutText('done fetching'), alias: 'done' }, stdoutText('x')] });
  });

  test('group with scope', () => {
    expect(body(`  - id: a\n    group: [a, b]\n    scope: { after: $start }`)).toEqual({
      kind: 'group',
      lines: [stdoutText('a'), stdoutText('b')],
      scope: { after: { ...stdoutText('start fetching'), alias: 'start' } },
    });
  });
});

describe('timing constructs', () => {
  test('at, with the spec-wide default tolerance and with from', () => {
    expect(body(`  - id: a\n    at: { line: $done, time: 2s }`)).toEqual({ kind: 'at', line: { ...stdoutText('done fetching'), alias: 'done' }, atMs: 2000, tolerance: { ms: 150 } });
    expect(body(`  - id: a\n    at: { line: x, time: 250ms, tolerance: 10%, from: $start }`)).toEqual({
      kind: 'at',
      line: stdoutText('x'),
      atMs: 250,
      tolerance: { relative: 0.1 },
      from: { ...stdoutText('start fetching'), alias: 'start' },
    });
  });

  test('delay: about / at_least / at_most', () => {
    expect(body(`  - id: a\n    delay: { from: text, to: finished, about: 1s, tolerance: 0.2s }`)).toEqual({
      kind: 'delay', from: stdoutText('text'), to: stdoutText('finished'), aboutMs: 1000, tolerance: { ms: 200 },
    });
    expect(body(`  - id: a\n    delay: { from: a, to: b, at_least: 0.5, at_most: 1.5m }`)).toMatchObject({ atLeastMs: 500, atMostMs: 90_000 });
  });

  test('every', () => {
    expect(body(`  - id: a\n    every: { line: $number, period: 0.25s, tolerance: 0.1s }`)).toMatchObject({ kind: 'every', periodMs: 250, tolerance: { ms: 100 } });
    expect(body(`  - id: a\n    every: { line: $number, period: 0.25s }`)).not.toHaveProperty('vacuous');
    expect(body(`  - id: a\n    every: { line: $number, period: 0.25s, vacuous: true }`)).toMatchObject({ kind: 'every', vacuous: true });
  });

  test('runtime uses timing.tolerance when the check has none', () => {
    const spec = load(`  - id: a\n    runtime: { about: 2.5s }\n`, `timing: { tolerance: 0.3s, scale: 2 }\nchecks:\n`);
    expect(spec.timing).toEqual({ tolerance: { ms: 300 }, scale: 2 });
    expect(spec.checks[0]!.body).toEqual({ kind: 'runtime', aboutMs: 2500, tolerance: { ms: 300 } });
    expect(load(`  - id: a\n    runtime: { at_most: 3 }\n`, 'checks:\n').checks[0]!.body).toEqual({ kind: 'runtime', atMostMs: 3000, tolerance: { ms: 150 } });
    expect(load(`  - id: a\n    runtime: { at_most: 3, from: program_start }\n`, 'checks:\n').checks[0]!.body).not.toHaveProperty('from');
    const p = load(`  - id: a\n    runtime: { at_most: 3, from: process_start }\n`, 'checks:\n').checks[0]!;
    expect(p.body).toMatchObject({ kind: 'runtime', from: 'process_start' });
    expect(p.title).toBe('The run takes at most 3 s, from process start');
  });
});

describe('value', () => {
  test('a number compared with runtime, a constant, and another capture', () => {
    expect(body(`  - id: a\n    value: { line: $took, about: runtime, tolerance: 0.2s }`)).toEqual({
      kind: 'value',
      line: { kind: 'regex', pattern: 'took ([\\d.]+) s', stream: 'stdout', occurrence: 'first', display: '/took ([\\d.]+) s/', alias: 'took' },
      group: 1,
      list: false,
      about: { kind: 'runtime' },
      tolerance: { ms: 200 },
    });
    expect(body(`  - id: a\n    value: { line: "/n=(\\\\d+) m=(\\\\d+)/", group: 2, at_least: 3, at_most: $took, equals: "7" }`)).toMatchObject({
      group: 2,
      atLeast: { kind: 'number', value: 3 },
      atMost: { kind: 'capture', group: 1, line: { alias: 'took' } },
      equals: { kind: 'string', value: '7' },
    });
  });

  test('value takes a scope; an alias refined with occurrence picks the nth line', () => {
    const b = body(`  - id: a\n    scope: { after: $start }\n    value: { line: { alias: took, occurrence: 2 }, at_most: 3 }`);
    expect(b).toMatchObject({ kind: 'value', scope: { after: { pattern: 'start fetching' } }, line: { alias: 'took', occurrence: 2 } });
  });

  test('named group', () => {
    expect(body(`  - id: a\n    value: { line: "/(?<n>\\\\d+)/", group: n, equals: 3 }`)).toMatchObject({ group: 'n', equals: { kind: 'number', value: 3 } });
  });

  test('a list with its assertions, and partial credit', () => {
    const c = one(`  - id: a\n    partial: true\n    value: { line: "/^\\\\[(.*)\\\\]$/", list: true, ascending: true, items: 10, each_at_most: 9, each_at_least: 0 }`);
    expect(c.partial).toBe(true);
    expect(c.body).toMatchObject({ kind: 'value', list: true, ascending: true, items: 10, eachAtMost: 9, eachAtLeast: 0 });
  });
});

describe('outcome and task constructs', () => {
  test.each([
    ['exit_code: 1', { kind: 'exit_code', code: 1 }],
    ['signal: SIGKILL', { kind: 'signal', signal: 'SIGKILL' }],
    ['signal: none', { kind: 'signal', signal: null }],
    ['timed_out: false', { kind: 'timed_out', expected: false }],
    ['stderr: clean', { kind: 'stderr_clean' }],
    ['tasks: { concurrent: 2 }', { kind: 'tasks', rule: { kind: 'concurrent', atLeast: 2 } }],
    ['tasks: { overlap: [fetch_data, print_numbers] }', { kind: 'tasks', rule: { kind: 'overlap', names: ['fetch_data', 'print_numbers'] } }],
    ['tasks: { awaited: fetch_data }', { kind: 'tasks', rule: { kind: 'awaited', name: 'fetch_data' } }],
    ['tasks: { created_with: create_task, name: fetch_data }', { kind: 'tasks', rule: { kind: 'created_with', via: 'create_task', name: 'fetch_data' } }],
    ['tasks: { max_blocking: 50ms }', { kind: 'tasks', rule: { kind: 'max_blocking', ms: 50 } }],
    ['tasks: { uses_asyncio: true }', { kind: 'tasks', rule: { kind: 'uses_asyncio' } }],
  ])('%s', (yaml, expected) => {
    expect(body(`  - id: a\n    ${yaml}`)).toEqual(expected);
  });
});

describe('per-check fields and defaults', () => {
  test('defaults: points 1, visible, no requires, not partial, generated title, loc of the item', () => {
    const spec = load(`  - id: first-check\n    exists: done fetching\n`, 'checks:\n');
    expect(spec.checks[0]).toEqual({
      id: 'first-check',
      title: "Prints 'done fetching'",
      points: 1,
      visibility: 'visible',
      requires: [],
      partial: false,
      body: { kind: 'exists', line: stdoutText('done fetching') },
      loc: { file: 'mem.yaml', line: 2, col: 5 },
    });
  });

  test('explicit fields; requires as a string or a list', () => {
    const spec = load(
      `  - id: a\n    exists: x\n  - id: b\n    title: "  Bee  "\n    points: 2.5\n    hint: do this\n    visibility: after_due_date\n    requires: a\n    exists: y\n  - id: c\n    requires: [a, b]\n    exit_code: 0\n`,
      'checks:\n',
    );
    expect(spec.checks[1]).toMatchObject({ title: 'Bee', points: 2.5, hint: 'do this', visibility: 'after_due_date', requires: ['a'] });
    expect(spec.checks[2]!.requires).toEqual(['a', 'b']);
    expect(spec.checks.map((c) => c.loc?.line)).toEqual([2, 4, 11]);
  });

  test('generated titles say what the construct checks', () => {
    const spec = load(
      [
        '  - { id: a, order: ["0", "1", "2", "3", "4", "5"] }',
        '  - { id: b, every: { line: x, period: 0.25s, tolerance: 0.1s } }',
        '  - { id: c, runtime: { about: 2.5s, tolerance: 10% } }',
        '  - { id: d, delay: { from: a, to: b, at_most: 500ms } }',
        '  - { id: e, absent: /Traceback/, stream: stderr }',
        '  - { id: f, next: [a, b] }',
        '  - { id: g, count: { line: x, exactly: 1 } }',
        '',
      ].join('\n'),
      'checks:\n',
    );
    expect(spec.checks.map((c) => c.title)).toEqual([
      "Prints '0', '1', '2', …, '5' in this order",
      "'x' every 250 ms ± 100 ms",
      'The run takes about 2.5 s ± 10%',
      "'b' comes at most 500 ms after 'a'",
      'Never prints /Traceback/ (stderr)',
      "'b' comes right after 'a'",
      "Prints 'x' exactly 1 time",
    ]);
  });
});

describe('spec-level settings', () => {
  test('defaults: name from the file, title = name, python main.py, real clock, one run, policy all, 150 ms, scale 1', () => {
    const r = parseSpec('checks:\n  - { id: a, exit_code: 0 }\n', '/some/dir/my-spec.yml');
    expect(r.diagnostics).toEqual([]);
    expect(r.spec).toMatchObject({
      name: 'my-spec',
      title: 'my-spec',
      file: '/some/dir/my-spec.yml',
      run: { runtime: 'python', entry: 'main.py', args: [], env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all' },
      timing: { tolerance: { ms: 150 }, scale: 1 },
      aliases: {},
    });
  });

  test('every run setting normalizes (sizes are 1024-based, numbers keep their text)', () => {
    const spec = load(
      `  - { id: a, exit_code: 0 }\n`,
      `name: full
title: Full
description: text
run:
  runtime: command
  entry: prog.sh
  args: [--fast, 3]
  command: [sh, "{entry}"]
  stdin: "hello\\n"
  env: { A: b, N: 1.50, T: true }
  files: [test/fixtures/specs-broken]
  limits: { wall: 10s, cpu: 5, memory: 256MB, processes: 64, output: 1MB, file_size: 16KB, open_files: 256 }
  seed: 42
  repeat: 5
  policy: majority
checks:
`,
    );
    expect(spec.run).toEqual({
      runtime: 'command',
      entry: 'prog.sh',
      args: ['--fast', '3'],
      command: ['sh', '{entry}'],
      stdin: 'hello\n',
      env: { A: 'b', N: '1.50', T: 'true' },
      files: [expect.stringMatching(/\/test\/fixtures\/specs-broken$/)],
      limits: { wallMs: 10_000, cpuMs: 5000, memoryBytes: 256 * 1024 * 1024, processes: 64, outputBytes: 1024 * 1024, fileSizeBytes: 16 * 1024, openFiles: 256 },
      clock: 'real',
      seed: 42,
      repeat: 5,
      policy: 'majority',
    });
    expect(spec.description).toBe('text');
  });

  test('interpreter pin written as a YAML number keeps its text (3.10 is not 3.1)', () => {
    const r = parseSpec('run: { interpreter: 3.10, runtime: node, clock: real }\nchecks:\n  - { id: a, exit_code: 0 }\n', 'x.yaml');
    expect(r.spec?.run).toMatchObject({ interpreter: '3.10', runtime: 'node', entry: 'main.js' });
  });

  test('a tasks check turns on task tracing for the run', () => {
    expect(parseSpec('checks:\n  - { id: a, tasks: { concurrent: 2 } }\n', 'x.yaml').spec!.run.traceTasks).toBe(true);
    expect(parseSpec('checks:\n  - { id: a, exit_code: 0 }\n', 'x.yaml').spec!.run.traceTasks).toBeUndefined();
  });

  test('run.files resolve against the spec file directory', () => {
    const r = parseSpec('run: { files: [fetch-and-count.yaml] }\nchecks:\n  - { id: a, exit_code: 0 }\n', 'specs/other.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.spec!.run.files).toEqual([expect.stringMatching(/^\/.*\/specs\/fetch-and-count\.yaml$/)]);
  });
});
