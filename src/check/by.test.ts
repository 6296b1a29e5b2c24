/**
 * `by:` on line selectors: only lines the task tracer attributes to the named coroutine match
 * (never a thread's, an untraced write's, or plain code's), in every construct, and a line with
 * the right text printed by someone else is named as the possible intended match, with its printer.
 */

import { describe, expect, test } from '@jest/globals';
import { parseSpec } from '../spec/load.js';
import type { Spec } from '../spec/types.js';
import type { RunRecord, TaskEvent, TraceLine } from '../trace/types.js';
import { evaluateChecks } from './evaluate.js';
import { run as mkRun } from './testkit.js';

const SPEC = `
run: { runtime: python }
lines:
  start: { text: start fetching, by: fetch_data }
  number: { regex: "^\\\\d$", by: print_numbers }
checks:
  - { id: starts, order: [$start, { text: "0", by: print_numbers }] }
  - { id: ten, count: { line: $number, exactly: 10 } }
  - { id: ticks, every: { line: $number, period: 0.25s, tolerance: 0.05s } }
  - { id: seven, exists: { alias: number, occurrence: 8 } }
`;

function load(text = SPEC): Spec {
  const r = parseSpec(text, 'specs/x.yaml');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.spec!;
}

const ev = (tMs: number, kind: TaskEvent['kind'], task: number, name?: string): TaskEvent => ({ tMs, kind, task, ...(name ? { name } : {}) });
const TASKS: TaskEvent[] = [
  ev(0, 'created', 1, 'main'), ev(0, 'started', 1), ev(0, 'entered', 1, 'main'),
  ev(0, 'created', 2, 'fetch_data'), ev(0, 'created', 3, 'print_numbers'), ev(0, 'suspended', 1),
  ev(0, 'started', 2), ev(0, 'entered', 2, 'fetch_data'), ev(0, 'suspended', 2),
  ev(0, 'started', 3), ev(0, 'entered', 3, 'print_numbers'), ev(0, 'suspended', 3),
];

/** The correct program: fetch_data and print_numbers (through a helper coroutine, `show`) print on the loop thread. */
function honest(): RunRecord {
  const trace: TraceLine[] = [{ tMs: 0, stream: 'stdout', text: 'start fetching', thread: 0, task: 2, coro: 'fetch_data' }];
  for (let i = 0; i < 10; i++) trace.push({ tMs: 250 * i + 1, stream: 'stdout', text: String(i), thread: 0, task: 3, coro: i % 2 ? 'show' : 'print_numbers' });
  return mkRun(trace, { tasks: TASKS, wallMs: 2500 });
}

/** The `hybrid` forgery: a thread prints the graded lines; the named coroutines one throwaway line each. */
function hybrid(): RunRecord {
  const trace: TraceLine[] = [
    { tMs: 0, stream: 'stdout', text: 'fetch task here', thread: 0, task: 2, coro: 'fetch_data' },
    { tMs: 0, stream: 'stdout', text: 'count task here', thread: 0, task: 3, coro: 'print_numbers' },
    { tMs: 1, stream: 'stdout', text: 'start fetching', thread: 1 },
  ];
  for (let i = 0; i < 10; i++) trace.push({ tMs: 250 * i + 50, stream: 'stdout', text: String(i), thread: 1 });
  return mkRun(trace, { tasks: TASKS, wallMs: 2500 });
}

describe('the spec language', () => {
  test('by: on aliases, mappings and alias refinements; it turns the task tracer on', () => {
    const spec = load();
    expect(spec.run.traceTasks).toBe(true);
    expect(spec.aliases.number).toMatchObject({ kind: 'regex', by: 'print_numbers' });
    const seven = spec.checks.find((c) => c.id === 'seven')!.body as { line: { by?: string; occurrence: unknown } };
    expect(seven.line).toMatchObject({ by: 'print_numbers', occurrence: 8 });
    const refined = load('run: { runtime: python }\nlines: { n: /^\\d$/ }\nchecks:\n  - { id: a, exists: { alias: n, by: show } }\n');
    expect((refined.checks[0]!.body as { line: { by?: string } }).line.by).toBe('show');
    expect(load('checks:\n  - { id: a, exists: "0" }\n').run.traceTasks).toBeUndefined();
  });

  test('by: on a command run, or naming no coroutine, is a positioned error; on Node it turns the tracer on', () => {
    const r = parseSpec('run: { runtime: command, command: [echo, "0"] }\nchecks:\n  - { id: a, exists: { text: "0", by: printNumbers } }\n', 'specs/x.yaml');
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "'by' needs the task tracer, which says which coroutine printed each line; this spec runs 'command'",
    ]);
    const node = parseSpec('run: { runtime: node }\nchecks:\n  - { id: a, exists: { text: "0", by: printNumbers } }\n', 'specs/x.yaml');
    expect(node.diagnostics).toEqual([]);
    expect(node.spec!.run.traceTasks).toBe(true);
    const bad = parseSpec('checks:\n  - { id: a, exists: { text: "0", by: "print numbers" } }\n', 'specs/x.yaml');
    expect(bad.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual(["2:39 by: 'print numbers' is not a coroutine name"]);
  });
});

describe('matching', () => {
  test('the honest program: its coroutines (and a helper awaited in print_numbers’s task) printed the lines', () => {
    const out = evaluateChecks(load(), honest());
    expect(out.map((o) => [o.id, o.status])).toEqual([['starts', 'passed'], ['ten', 'passed'], ['ticks', 'passed'], ['seven', 'passed']]);
  });

  test('the hybrid forgery: a thread’s lines match no by: selector, and the explanation names the thread', () => {
    const out = evaluateChecks(load(), hybrid());
    expect(out.map((o) => [o.id, o.status])).toEqual([['starts', 'failed'], ['ten', 'failed'], ['ticks', 'failed'], ['seven', 'failed']]);
    const starts = out[0]!.message;
    expect(starts).toContain("'start fetching' printed by fetch_data");
    expect(starts).toMatch(/possible intended match: 'start fetching' at .* was printed by thread 1, not by fetch_data/);
    expect(out[2]!.message).toMatch(/'0' at .* was printed by thread 1, not by print_numbers/);
    expect(out[0]!.lines.some((l) => l.role === 'near-miss' && l.text === 'start fetching')).toBe(true);
  });

  test('untraced writes, plain code and another coroutine are each named as such', () => {
    const spec = load('run: { runtime: python }\nchecks:\n  - { id: a, exists: { text: "7", by: print_numbers } }\n');
    const at = (l: Partial<TraceLine>) => evaluateChecks(spec, mkRun([{ tMs: 5, stream: 'stdout', text: '7', ...l }], { tasks: TASKS }))[0]!.message;
    expect(at({})).toMatch(/'7' at .* was written where the task tracer does not see it \(os\.write, a replaced sys\.stdout, another process\), so not by print_numbers/);
    expect(at({ thread: 0 })).toMatch(/was printed outside any coroutine or async function call \(plain code, or a callback: the loop's, a timer's, a \.then's\), not by print_numbers/);
    expect(at({ thread: 0, task: 2, coro: 'fetch_data' })).toMatch(/never appears; possible intended match: '7' at .* was printed by fetch_data \(task 2\), not by print_numbers/);
    expect(at({ thread: 0, task: 1, coro: 'helper' })).toMatch(/was printed by helper \(in main's task, task 1\), not by print_numbers/);
    expect(at({ thread: 0, task: 3, coro: 'show' })).toBe("found '7' at 0.01 s (trace line 1)");
  });

  test('a helper coroutine’s line is also the work of the coroutines it runs inside (`outer`), in any task', () => {
    const spec = load('run: { runtime: python }\nchecks:\n  - { id: a, exists: { text: start fetching, by: fetch_data } }\n  - { id: b, exists: { text: start fetching, by: print_numbers } }\n');
    const r = mkRun([{ tMs: 0, stream: 'stdout', text: 'start fetching', thread: 0, task: 1, coro: 'say', outer: ['main', 'fetch_data'] }], { tasks: TASKS });
    expect(evaluateChecks(spec, r).map((o) => o.status)).toEqual(['passed', 'failed']);
  });

  test('without a task trace no line is any coroutine’s work', () => {
    const r = honest();
    delete r.tasks;
    for (const l of r.trace) {
      delete l.task;
      delete l.coro;
    }
    expect(evaluateChecks(load(), r).every((o) => o.status === 'failed')).toBe(true);
  });
});
