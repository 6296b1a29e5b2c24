/** `runs:` — named runs inheriting from `run:` — and a check's `run:`. */

import { describe, expect, test } from '@jest/globals';
import { parseSpec } from './load.js';

const diags = (text: string) => parseSpec(text, 'x.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`);

const SPEC = `run:
  limits: { wall: 10s }
  env: { A: "1" }
  args: [x]
runs:
  task0: { entry: 0-main.py }
  task1: { entry: 1-main.py, env: { B: "2" }, limits: { cpu: 2s }, args: [] }
checks:
  - { id: t0, exit_code: 0 }
  - { id: t1, run: task1, exit_code: 0, requires: t0 }
`;

describe('named runs', () => {
  test('each inherits what it does not set from run: (env and limits merge), in the order written', () => {
    const r = parseSpec(SPEC, 'x.yaml');
    expect(r.diagnostics).toEqual([]);
    const spec = r.spec!;
    expect(spec.runs!.map((n) => n.name)).toEqual(['task0', 'task1']);
    expect(spec.runs![0]!.run).toMatchObject({ runtime: 'python', entry: '0-main.py', args: ['x'], env: { A: '1' }, limits: { wallMs: 10_000 } });
    expect(spec.runs![1]!.run).toMatchObject({ entry: '1-main.py', args: [], env: { A: '1', B: '2' }, limits: { wallMs: 10_000, cpuMs: 2000 } });
    // run: keeps the shared settings.
    expect(spec.run.entry).toBe('main.py');
  });

  test('a check without run: looks at the first named run; requires may cross runs', () => {
    const spec = parseSpec(SPEC, 'x.yaml').spec!;
    expect(spec.checks.map((c) => [c.id, c.run, c.requires])).toEqual([['t0', 'task0', []], ['t1', 'task1', ['t0']]]);
  });

  test('a spec without runs: is unchanged: no run names anywhere', () => {
    const spec = parseSpec('checks:\n  - { id: a, exit_code: 0 }\n', 'x.yaml').spec!;
    expect(spec).not.toHaveProperty('runs');
    expect(spec.checks[0]).not.toHaveProperty('run');
  });

  test('an unknown run name gets a did-you-mean; run: without runs: says what to declare', () => {
    expect(diags(SPEC + '  - { id: t2, run: taks1, exit_code: 0 }\n')).toEqual(["11:20 error: no named run 'taks1' — did you mean 'task1'?"]);
    const r = parseSpec('checks:\n  - { id: a, run: task0, exit_code: 0 }\n', 'x.yaml');
    expect(r.diagnostics.map((d) => [d.line, d.col, d.message, d.hint])).toEqual([
      [2, 19, "this check looks at run 'task0', but the spec declares no named runs", expect.stringContaining('declare them under runs:')],
    ]);
  });

  test('repeat and policy belong to run:, not to a named run; bad names and an empty runs: are schema errors', () => {
    expect(diags('runs:\n  a: { repeat: 3 }\nchecks:\n  - { id: a, exit_code: 0 }\n')).toEqual([
      "2:8 error: 'repeat' applies to the whole spec, not to one named run",
    ]);
    expect(diags('runs:\n  "a b": { entry: x.py }\nchecks:\n  - { id: a, exit_code: 0 }\n').length).toBeGreaterThan(0);
    expect(diags('runs: {}\nchecks:\n  - { id: a, exit_code: 0 }\n').length).toBeGreaterThan(0);
  });
});
