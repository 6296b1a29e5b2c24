/** `all:` / `any:` as written: a list of parts, each one construct with its own modifiers, validated with positions. */

import { describe, expect, test } from '@jest/globals';
import { parseSpec } from './load.js';

const diags = (text: string) => parseSpec(text, 'x.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`);

describe('compound checks', () => {
  test('parts normalize like checks; the check stream is inherited, a part may set its own', () => {
    const text = `checks:
  - id: each-once-in-order
    stream: any
    all:
      - count: { line: /^\\d$/, exactly: 2 }
      - { order: ["0", "1"], strict: true, stream: stdout }
      - { exists: x, scope: { after: "0" } }
`;
    const r = parseSpec(text, 'x.yaml');
    expect(r.diagnostics).toEqual([]);
    const c = r.spec!.checks[0]!;
    expect(c.body).toMatchObject({
      kind: 'all',
      parts: [
        { kind: 'count', exactly: 2, line: { stream: 'any' } },
        { kind: 'order', strict: true, lines: [{ stream: 'stdout' }, { stream: 'stdout' }] },
        { kind: 'exists', scope: { after: { pattern: '0' } } },
      ],
    });
    expect(c.title).toBe("Prints /^\\d$/ exactly 2 times, and '1' comes right after '0', and prints 'x'");
  });

  test('any, and a tasks part turns on the task tracer', () => {
    const r = parseSpec('checks:\n  - id: a\n    any: [{ tasks: { concurrent: 2 } }, { exit_code: 0 }]\n', 'x.yaml');
    expect(r.spec!.checks[0]!.body).toMatchObject({ kind: 'any', parts: [{ kind: 'tasks' }, { kind: 'exit_code', code: 0 }] });
    expect(r.spec!.checks[0]!.title).toBe('Either at least 2 asyncio tasks run at the same time, or exits with code 0');
    expect(r.spec!.run.traceTasks).toBe(true);
  });

  test('a part with no construct, or two, is an error at the part, with a fix', () => {
    const r = parseSpec('checks:\n  - id: a\n    all:\n      - { exists: a, absent: b }\n      - { stream: stderr }\n', 'x.yaml');
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.line, d.col, d.message, d.hint])).toEqual([
      [4, 22, "part 1 of 'all' has two constructs, 'exists' and 'absent': a part tests one thing", 'make them two parts: - { exists: … } and - { absent: … }'],
      [5, 9, "part 2 of 'all' has no construct: say what to check", expect.stringContaining('add one of exists, absent')],
    ]);
  });

  test("a modifier that does not apply to the part's construct, and schema errors inside parts, are positioned", () => {
    expect(diags('checks:\n  - id: a\n    all:\n      - { exit_code: 0, strict: true }\n')).toEqual([
      "4:25 error: 'strict' does not apply to 'exit_code'",
    ]);
    expect(diags('checks:\n  - id: a\n    all:\n      - { exit_code: 0, partial: true }\n')).toEqual([
      "4:25 error: unknown key 'partial'",
    ]);
    expect(diags('checks:\n  - id: a\n    all:\n      - { delay: { from: a, to: b, atmost: 1s } }\n')).toContainEqual(
      "4:36 error: unknown key 'atmost' — did you mean 'at_most'?",
    );
  });

  test('a check with two constructs now suggests all:', () => {
    const r = parseSpec('checks:\n  - { id: a, exists: x, absent: y }\n', 'x.yaml');
    expect(r.diagnostics[0]!.hint).toBe('split it into two checks (use requires: to chain them), or list both under all:');
  });
});
