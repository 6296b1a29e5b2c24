/** validateSpecFiles over the shipped specs, the broken fixtures, and path handling. */

import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CONSTRUCTS } from './checks.js';
import { formatDiagnostic, parseSpec } from './load.js';
import { allValid, validateSpecFiles } from './validate.js';

const SPECS = 'specs';
const BROKEN = 'test/fixtures/specs-broken';

describe('the shipped specs', () => {
  test('every file in specs/ validates without errors', async () => {
    const results = await validateSpecFiles([SPECS]);
    expect(results.length).toBeGreaterThan(0);
    const errors = results.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d)));
    expect(errors).toEqual([]);
    expect(allValid(results)).toBe(true);
  });
});

describe('broken fixtures fail with the positioned messages their comments expect', () => {
  test('there are fixtures', async () => {
    expect((await readdir(BROKEN)).filter((f) => f.endsWith('.yaml')).length).toBeGreaterThanOrEqual(6);
  });

  test.each(
    // Listed synchronously so each fixture is its own test case.
    ['typos', 'aliases', 'requires', 'timing', 'constructs', 'regex', 'syntax', 'run'],
  )('%s.yaml', async (name) => {
    const file = join(BROKEN, `${name}.yaml`);
    const text = await readFile(file, 'utf8');
    const expected = [...text.matchAll(/^# expect: (\d+):(\d+) (error|warning): (.*)$/gm)].map((m) => ({
      line: Number(m[1]),
      col: Number(m[2]),
      severity: m[3],
      message: m[4]!,
    }));
    expect(expected.length).toBeGreaterThan(0);
    const [result] = await validateSpecFiles([file]);
    expect(result!.file).toBe(file);
    const got = result!.diagnostics.map((d) => ({ line: d.line, col: d.col, severity: d.severity, message: d.message }));
    // Prefix match on the message (long JS errors or absolute paths follow), exact position and count.
    expect(got.length).toBe(expected.length);
    got.forEach((g, i) => {
      const e = expected[i]!;
      expect(`${g.line}:${g.col} ${g.severity}: ${g.message.slice(0, e.message.length)}`).toBe(`${e.line}:${e.col} ${e.severity}: ${e.message}`);
    });
    expect(allValid([result!])).toBe(false);
  });
});

describe('paths', () => {
  test('directories expand to their .yaml/.yml files, sorted; other files are ignored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-validate-'));
    await writeFile(join(dir, 'b.yml'), 'checks:\n  - { id: a, exit_code: 0 }\n');
    await writeFile(join(dir, 'a.yaml'), 'checks:\n  - { id: a, exit_code: 0 }\n');
    await writeFile(join(dir, 'notes.txt'), 'not a spec');
    const results = await validateSpecFiles([dir]);
    expect(results.map((r) => r.file)).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yml')]);
    expect(allValid(results)).toBe(true);
  });

  test('a missing path and an empty directory are errors, without a stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-validate-'));
    const results = await validateSpecFiles([join(dir, 'nope.yaml'), dir]);
    expect(results).toEqual([
      {
        file: join(dir, 'nope.yaml'),
        diagnostics: [
          { file: join(dir, 'nope.yaml'), line: 0, col: 0, severity: 'error', message: 'no such file or directory', hint: 'give a spec file (.yaml) or a folder of specs' },
        ],
      },
      {
        file: dir,
        diagnostics: [
          {
            file: dir,
            line: 0,
            col: 0,
            severity: 'error',
            message: 'this directory holds no .yaml or .yml spec files',
            hint: 'give the folder that holds the specs, or a spec file',
          },
        ],
      },
    ]);
    expect(allValid(results)).toBe(false);
  });

  test('a valid file comes with its loaded spec; dot files in a folder are not specs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-validate-'));
    await writeFile(join(dir, 'ok.yaml'), 'name: ok\nchecks:\n  - { id: a, exit_code: 0 }\n');
    await writeFile(join(dir, '.#ok.yaml'), 'this: [is an editor lock file');
    const results = await validateSpecFiles([dir]);
    expect(results.map((r) => r.file)).toEqual([join(dir, 'ok.yaml')]);
    expect(results[0]!.spec?.name).toBe('ok');
    expect(results[0]!.spec?.checks.map((c) => c.id)).toEqual(['a']);
  });

  test('a file that is neither *.yaml nor YAML (a README) is one error, not one per line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-validate-'));
    const readme = join(dir, 'README.md');
    await writeFile(readme, '# Title\n\nSome `code`: here, and: there\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    const [r] = await validateSpecFiles([readme]);
    expect(r!.diagnostics).toHaveLength(1);
    expect(r!.diagnostics[0]!.message).toMatch(/^README\.md is not a spec: its name does not end in \.yaml or \.yml and it is not valid YAML \(\d+ syntax errors?, the first on line \d+\)$/);
    expect(r!.diagnostics[0]!.hint).toMatch(/spec file/);
    // A spec without the extension that parses is still accepted, and a .yaml file keeps every positioned error.
    const plain = join(dir, 'spec');
    await writeFile(plain, 'checks:\n  - { id: a, exit_code: 0 }\n');
    expect(allValid(await validateSpecFiles([plain]))).toBe(true);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'checks: [\n  - id: a\nname: x: y\n');
    const [b] = await validateSpecFiles([broken]);
    expect(b!.diagnostics.every((d) => d.line > 0)).toBe(true);
  });

  test('two specs with the same name: the second is an error; a file named twice is validated once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-validate-'));
    await writeFile(join(dir, 'one.yaml'), 'name: same\nchecks:\n  - { id: a, exit_code: 0 }\n');
    await writeFile(join(dir, 'two.yaml'), 'name: same\nchecks:\n  - { id: a, exit_code: 0 }\n');
    const results = await validateSpecFiles([join(dir, 'one.yaml'), dir]);
    expect(results.map((r) => r.file)).toEqual([join(dir, 'one.yaml'), join(dir, 'two.yaml')]);
    expect(results[0]!.diagnostics).toEqual([]);
    expect(results[1]!.diagnostics.map((d) => d.message)).toEqual([`spec name 'same' is also used by ${join(dir, 'one.yaml')}`]);
  });

  test('warnings alone keep a spec valid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tg-validate-'));
    await writeFile(join(dir, 'w.yaml'), 'lines: { unused: x }\nchecks:\n  - { id: a, exit_code: 0 }\n');
    const results = await validateSpecFiles([dir]);
    expect(results[0]!.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(allValid(results)).toBe(true);
  });
});

describe('docs/spec-language.md', () => {
  test('the "one per construct" examples load, and cover every construct', async () => {
    const doc = await readFile('docs/spec-language.md', 'utf8');
    const block = /## Examples, one per construct\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const r = parseSpec(block!, 'docs-example.yaml');
    expect(r.diagnostics.map((d) => formatDiagnostic(d, block))).toEqual([]);
    const keys = new Set(block!.match(/^\s+- \{ id: [^,]+, (\w+):/gm)!.map((l) => /, (\w+):$/.exec(l)![1]));
    expect([...CONSTRUCTS].filter((c) => !keys.has(c))).toEqual([]);
  });
});
