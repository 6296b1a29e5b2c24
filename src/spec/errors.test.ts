/** Every kind of mistake yields a positioned, plain-words diagnostic with a fix; all are reported at once. */

import { describe, expect, test } from '@jest/globals';
import { formatDiagnostic, parseSpec } from './load.js';

/** "line:col severity: message" for every diagnostic of `text`. */
function diags(text: string): string[] {
  return parseSpec(text, 'specs/x.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`);
}

function hints(text: string): (string | undefined)[] {
  return parseSpec(text, 'specs/x.yaml').diagnostics.map((d) => d.hint);
}

const ok = 'checks:\n  - { id: ok, exit_code: 0 }\n';

describe('YAML syntax', () => {
  test('an unclosed bracket is reported at its position, with no spec', () => {
    const r = parseSpec('checks:\n  - id: a\n    order: [a, b\n  - id: b\n', 'specs/x.yaml');
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics[0]).toMatchObject({ file: 'specs/x.yaml', line: 4, severity: 'error' });
    expect(r.diagnostics.every((d) => !d.message.includes('\n'))).toBe(true);
  });

  test('tab indentation gets a hint', () => {
    const r = parseSpec('checks:\n\t- id: a\n', 'specs/x.yaml');
    expect(r.diagnostics[0]).toMatchObject({ line: 2, col: 1, severity: 'error', hint: 'indent with spaces, not tabs' });
  });

  test('duplicate keys', () => {
    expect(diags('checks:\n  - id: a\n    exit_code: 0\n    exit_code: 1\n')).toEqual(['4:5 error: Map keys must be unique']);
  });

  test('an empty file', () => {
    expect(diags('# nothing\n')).toEqual(['0:0 error: the spec is empty']);
  });
});

describe('schema errors', () => {
  test("unknown keys suggest the closest allowed key, at the key's position", () => {
    expect(diags('chekcs:\n  - { id: a, exit_code: 0 }\n')).toEqual([
      "1:1 error: the spec is missing 'checks'",
      "1:1 error: unknown key 'chekcs' — did you mean 'checks'?",
    ]);
    expect(diags('checks:\n  - id: a\n    exit_code: 0\n    titel: x\n')).toEqual(["4:5 error: unknown key 'titel' — did you mean 'title'?"]);
    expect(diags('run:\n  limits: { wal: 3s }\n' + ok)).toEqual(["2:13 error: unknown key 'wal' — did you mean 'wall'?"]);
    expect(diags('checks:\n  - id: a\n    delay: { from: a, to: b, atmost: 2s }\n')).toEqual([
      "3:30 error: unknown key 'atmost' — did you mean 'at_most'?",
      '3:12 error: delay needs a bound: about, at_least or at_most',
    ].sort(byPos));
  });

  test('a key with no close match lists what is allowed', () => {
    const text = 'frobnicate: 1\n' + ok;
    expect(diags(text)).toEqual(["1:1 error: unknown key 'frobnicate'"]);
    expect(hints(text)[0]).toBe('allowed at the top level: name, title, description, run, runs, timing, lines, checks');
  });

  test('wrong types and enum values name the check and the field', () => {
    expect(diags('checks:\n  - id: a\n    exit_code: 0\n    points: two\n    visibility: hiden\n')).toEqual([
      "4:13 error: check 'a': 'points' must be a number, not the text 'two'",
      "5:17 error: check 'a': 'visibility' cannot be 'hiden' — did you mean 'hidden'?",
    ]);
    expect(diags('run: { runtime: pyhton }\n' + ok)).toEqual(["1:17 error: 'run.runtime' cannot be 'pyhton' — did you mean 'python'?"]);
  });

  test('a check without id', () => {
    expect(diags('checks:\n  - exists: x\n')).toEqual(["2:5 error: check 1 has no 'id'"]);
  });

  test('a bad check id suggests a valid one', () => {
    const text = 'checks:\n  - id: Prints Numbers\n    exit_code: 0\n';
    expect(diags(text)).toEqual(["2:9 error: check id 'Prints Numbers' may only use lowercase letters, digits, '_' and '-'"]);
    expect(hints(text)).toEqual(["write it as 'prints-numbers'"]);
  });

  test('next takes exactly two selectors', () => {
    expect(diags('checks:\n  - id: a\n    next: [a, b, c]\n')).toEqual(["3:11 error: check 'a': 'next' needs at most 2 items, not 3"]);
  });
});

describe('aliases', () => {
  const header = 'lines:\n  done: done fetching\n  start: start fetching\n';
  test('undefined alias suggests the closest declared one', () => {
    expect(diags(header + 'checks:\n  - id: a\n    order: [$start, $don]\n')).toEqual(['6:21 error: undefined alias $don — did you mean $done?']);
  });

  test('undefined alias in a refinement mapping, in a scope, and in a value comparison', () => {
    expect(
      diags(header + 'checks:\n  - id: a\n    exists: { alias: strat }\n    scope: { after: $done }\n  - id: b\n    value: { line: "/(\\\\d)/", equals: $nope }\n'),
    ).toEqual(['6:22 error: undefined alias $strat — did you mean $start?', '9:39 error: undefined alias $nope']);
  });

  test('an alias may not refer to another alias', () => {
    expect(diags('lines:\n  a: x\n  b: $a\nchecks:\n  - { id: c, exists: $a }\n')).toEqual([
      '3:6 error: an alias cannot refer to another alias ($a)',
    ]);
  });

  test('an unused alias is a warning, and the spec still loads', () => {
    const r = parseSpec(header + 'checks:\n  - { id: a, exists: $done }\n', 'specs/x.yaml');
    expect(r.spec).toBeDefined();
    expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`)).toEqual(["3:3 warning: alias 'start' is declared but never used"]);
  });

  test('a bad alias name', () => {
    expect(diags('lines:\n  "two words": x\n' + ok)[0]).toBe(
      "2:3 error: alias name 'two words' may only use letters, digits, '_' and '-', starting with a letter or '_'",
    );
  });
});

describe('check ids and requires', () => {
  test('a duplicate id is reported at the second one', () => {
    expect(diags('checks:\n  - { id: a, exit_code: 0 }\n  - id: b\n    exit_code: 0\n  - id: a\n    exit_code: 1\n')).toEqual([
      "5:9 error: duplicate check id 'a' (first used on line 2)",
    ]);
  });

  test('requires an unknown id', () => {
    const text = 'checks:\n  - { id: counts-to-nine, exit_code: 0 }\n  - id: b\n    exit_code: 0\n    requires: [counts-to-nien]\n';
    expect(diags(text)).toEqual(["5:16 error: requires 'counts-to-nien', which is not the id of a check — did you mean 'counts-to-nine'?"]);
    expect(hints(text)).toEqual(['check ids in this spec: counts-to-nine, b']);
  });

  test('a requires cycle is named once', () => {
    expect(
      diags('checks:\n  - { id: a, exit_code: 0, requires: c }\n  - { id: b, exit_code: 0, requires: a }\n  - { id: c, exit_code: 0, requires: [b] }\n  - { id: d, exit_code: 0, requires: d }\n'),
    ).toEqual(['2:38 error: requires forms a cycle: a → c → b → a', "5:38 error: check 'd' requires itself"]);
  });
});

describe('constructs and modifiers', () => {
  test('a check with no construct lists the constructs', () => {
    const text = 'checks:\n  - id: a\n    title: nothing\n';
    expect(diags(text)).toEqual(["2:5 error: check 'a' has no construct: say what to check"]);
    expect(hints(text)[0]).toMatch(/^add one of exists, absent, count, .* stderr, unhandled_rejection, tasks, all or any$/);
  });

  test('two constructs: pointed at the second one written', () => {
    expect(diags('checks:\n  - id: a\n    exit_code: 0\n    exists: x\n')).toEqual([
      "4:5 error: check 'a' has two constructs, 'exit_code' and 'exists': a check tests one thing",
    ]);
  });

  test('modifiers that do not apply', () => {
    expect(
      diags(
        'checks:\n  - id: a\n    exists: x\n    strict: true\n  - id: b\n    first: x\n    partial: true\n  - id: c\n    exit_code: 0\n    stream: stderr\n  - id: d\n    at: { line: x, time: 1s }\n    scope: { after: y }\n  - id: e\n    value: { line: "/(\\\\d)/", equals: 1 }\n    partial: true\n',
      ),
    ).toEqual([
      "4:5 error: 'strict' does not apply to 'exists'",
      "7:5 error: 'partial' does not apply to 'first': it has no measure of partial success",
      "10:5 error: 'stream' does not apply to 'exit_code': it looks at no lines",
      "13:5 error: 'scope' does not apply to 'at'",
      "16:5 error: 'partial' does not apply to a single value: only a list has a measure of partial success",
    ]);
  });

  test('count and timing bounds that contradict each other', () => {
    expect(
      diags(
        'checks:\n  - { id: a, count: { line: x, exactly: 1, at_most: 2 } }\n  - { id: b, count: { line: x, at_least: 3, at_most: 2 } }\n  - { id: c, runtime: { about: 2s, at_most: 3s } }\n  - { id: d, delay: { from: a, to: b, at_least: 2s, at_most: 1s } }\n  - { id: e, count: { line: x } }\n',
      ),
    ).toEqual([
      "2:32 error: count: 'exactly' cannot be combined with at_least/at_most",
      '3:45 error: count: at_most is smaller than at_least, so nothing can pass',
      "4:36 error: runtime: 'about' cannot be combined with at_least/at_most",
      '5:53 error: delay: at_most is smaller than at_least, so nothing can pass',
      '6:21 error: count needs exactly, at_least or at_most',
    ]);
  });

  test('next / strict order across different streams', () => {
    expect(diags('checks:\n  - id: a\n    next: [x, { text: y, stream: stderr }]\n')).toEqual([
      '3:11 error: next compares consecutive lines of one stream, but these selectors are on stdout or stderr',
    ]);
  });

  test('value mistakes: not a regex, missing group, list keys, nothing asserted', () => {
    expect(
      diags(
        'checks:\n  - { id: a, value: { line: took, equals: 1 } }\n  - { id: b, value: { line: "/took/", equals: 1 } }\n  - { id: c, value: { line: "/(\\\\d)/", items: 3 } }\n  - { id: d, value: { line: "/(\\\\d)/", list: true } }\n  - { id: e, value: { line: "/(\\\\d)/", about: runtim } }\n  - { id: f, value: { line: "/(?<sec>\\\\d)/", group: secs, equals: 1 } }\n',
      ),
    ).toEqual([
      "2:29 error: value: the line must be a /regex/ with a capture group, not 'took'",
      '3:29 error: value: /took/ has 0 capture groups, so group 1 captures nothing',
      "4:40 error: value: 'items' only applies to a list",
      '5:21 error: value with list: true asserts nothing',
      "6:47 error: about: 'runtim' is not a number, runtime, $alias or an expression — did you mean 'runtime'?",
      "7:53 error: value: /(?<sec>\\d)/ has no group named 'secs' — did you mean 'sec'?",
    ]);
  });

  test('a bad signal name suggests the right one', () => {
    expect(diags('checks:\n  - { id: a, signal: kill }\n')).toEqual(["2:22 error: 'kill' is not a signal name — did you mean SIGKILL?"]);
  });

  test('tasks take one rule', () => {
    expect(diags('checks:\n  - { id: a, tasks: { concurrent: 2, awaited: f } }\n')).toEqual([
      "2:38 error: tasks: one rule per check, not 'concurrent' and 'awaited'",
    ]);
  });
});

describe('regexes, durations, tolerances', () => {
  test('a regex that does not compile quotes the JavaScript error', () => {
    expect(diags('checks:\n  - id: a\n    exists: /(unclosed/\n')).toEqual([
      '3:13 error: regex /(unclosed/ does not compile: Invalid regular expression: /(unclosed/: Unterminated group',
    ]);
    expect(diags('checks:\n  - id: a\n    exists: { regex: "[z-a]" }\n')[0]).toMatch(/^3:22 error: regex \/\[z-a\]\/ does not compile: Invalid regular expression: .*Range out of order/);
  });

  test('stateful regex flags are refused', () => {
    expect(diags('checks:\n  - id: a\n    exists: /x/g\n')).toEqual(["3:13 error: 'g' are not allowed regex flags: use i (ignore case), m, s, u or v"]);
  });

  test('a bad duration says how to write one', () => {
    expect(diags('checks:\n  - id: a\n    every: { line: x, period: 2 sec }\n')).toEqual([
      "3:31 error: period: '2 sec' is not a duration: write 2s, 250ms, 1.5m or a number of seconds",
    ]);
    expect(diags('run: { limits: { wall: soon } }\n' + ok)).toEqual([
      "1:24 error: limits.wall: 'soon' is not a duration: write 2s, 250ms, 1.5m or a number of seconds",
    ]);
  });

  test('negative tolerances and durations', () => {
    expect(diags('timing: { tolerance: -0.1s }\nchecks:\n  - { id: a, at: { line: x, time: -2, tolerance: -5% } }\n')).toEqual([
      "1:22 error: timing.tolerance: tolerance '-0.1s' is negative",
      '3:35 error: time: time -2 is negative',
      "3:50 error: tolerance '-5%' is negative",
    ]);
  });

  test('a zero period', () => {
    expect(diags('checks:\n  - { id: a, every: { line: x, period: 0 } }\n')).toEqual(['2:40 error: every: the period must be more than 0']);
  });
});

describe('run settings', () => {
  test('missing instructor files, command without runtime command, virtual clock off Python and Node', () => {
    expect(diags('run:\n  runtime: command\n  clock: virtual\n  command: [x]\n' + ok)).toEqual(['3:10 error: clock: virtual needs runtime: python or node (this spec runs command)']);
    expect(diags('run:\n  runtime: node\n  clock: virtual\n  command: [x]\n  files: [no-such-dir/]\n' + ok)).toEqual([
      "4:3 error: 'command' only applies with runtime: command (this spec runs node)",
      expect.stringMatching(/^5:11 error: run.files: 'no-such-dir\/' does not exist \(looked for \/.*\/specs\/no-such-dir\)$/),
    ]);
  });

  test('runtime: command needs a command; a bad size', () => {
    expect(diags('run:\n  runtime: command\n  limits: { memory: lots }\n' + ok)).toEqual([
      "2:3 error: runtime: command needs 'command:', the argv to run",
      "3:21 error: limits.memory: 'lots' is not a size: write 256MB, 64KB, 1GB or a number of bytes",
    ]);
  });

  test('policy without repeat is a warning only', () => {
    const r = parseSpec('run: { policy: best }\n' + ok, 'x.yaml');
    expect(r.spec).toBeDefined();
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', line: 1, col: 8, message: 'policy has no effect with a single run' }]);
  });
});

test('all errors are reported at once, in file order', () => {
  const text = [
    'naem: x',
    'lines: { done: done fetching }',
    'checks:',
    '  - id: a',
    '    order: [$don, b]',
    '  - id: a',
    '    exists: /(/',
    '  - id: c',
    '    every: { line: x, period: 2 sec, tolerance: -1 }',
    '    requires: [zz]',
    '',
  ].join('\n');
  const lines = diags(text).map((d) => d.split(' ')[0]);
  expect(lines).toEqual(['1:1', '5:13', '6:9', '7:13', '9:31', '9:49', '10:16']);
});

test('formatDiagnostic: file:line:col, severity, message, source line with caret, hint', () => {
  const text = 'checks:\n  - id: a\n    exists: x\n    titel: y\n';
  const d = parseSpec(text, 'specs/x.yaml').diagnostics[0]!;
  expect(formatDiagnostic(d, text)).toBe(
    [
      "specs/x.yaml:4:5: error: unknown key 'titel' — did you mean 'title'?",
      '   4 |     titel: y',
      '     |     ^',
      `    hint: ${d.hint}`,
    ].join('\n'),
  );
  expect(formatDiagnostic({ file: 'a.yaml', line: 0, col: 0, message: 'no such file', severity: 'error' })).toBe('a.yaml: error: no such file');
});

function byPos(a: string, b: string): number {
  const [la, ca] = a.split(' ')[0]!.split(':').map(Number);
  const [lb, cb] = b.split(' ')[0]!.split(':').map(Number);
  return la! - lb! || ca! - cb!;
}

describe('selector mappings', () => {
  test('a misspelled form is reported once, by the schema, with a suggestion', () => {
    expect(diags('checks:\n  - id: a\n    exists: { txt: x }\n')).toEqual(["3:15 error: unknown key 'txt' — did you mean 'text'?"]);
  });

  test('no form, two forms, bad occurrences, a regex written with slashes', () => {
    expect(
      diags(
        'checks:\n  - { id: b, exists: {} }\n  - { id: c, exists: { text: a, regex: b } }\n  - { id: d, exists: { text: a, occurrence: 0 } }\n  - { id: e, exists: { text: a, occurrence: firts } }\n  - { id: f, exists: { contains: a, flags: i } }\n',
      ),
    ).toEqual([
      '2:22 error: a line selector mapping needs one of text, contains, regex or alias',
      "3:33 error: a line selector has both 'text' and 'regex': use one",
      '4:45 error: occurrence 0 is not valid: the nth match is counted from 1',
      "5:45 error: occurrence 'firts' is not valid — did you mean 'first'?",
      "6:37 error: 'flags' only goes with 'regex'",
    ]);
    const r = parseSpec('checks:\n  - { id: a, exists: { regex: "/x/" } }\n', 'x.yaml');
    expect(r.spec).toBeDefined();
    expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`)).toEqual([
      "2:31 warning: regex '/x/' includes slashes: in the mapping form the slashes are part of the pattern",
    ]);
  });

  test('a spec that is not a mapping', () => {
    expect(diags('- a\n- b\n')).toEqual(['1:1 error: the spec must be a mapping, not a list']);
  });
});
