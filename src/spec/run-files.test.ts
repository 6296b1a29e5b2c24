/** run.files are copied by name beside the submission: two files with one name are refused, positioned. */

import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from './load.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-files-'));
  mkdirSync(join(dir, 'drivers', 'fast'), { recursive: true });
  writeFileSync(join(dir, 'drivers', '0-main.py'), 'print(0)\n');
  writeFileSync(join(dir, 'drivers', 'fast', '0-main.py'), 'print(0)\n');
  writeFileSync(join(dir, 'drivers', '1-main.py'), 'print(1)\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run.files name clashes', () => {
  test('two files copied under one name are an error at the second, naming both and the fix', () => {
    const text = 'run:\n  files:\n    - drivers/0-main.py\n    - drivers/fast/0-main.py\nchecks:\n  - { id: a, exit_code: 0 }\n';
    const r = parseSpec(text, join(dir, 'spec.yaml'));
    expect(r.spec).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        line: 4,
        col: 7,
        severity: 'error',
        message: "run.files: 'drivers/fast/0-main.py' and 'drivers/0-main.py' would both be copied as 0-main.py: files are copied by name beside the submission, so one would overwrite the other",
        hint: 'rename one of them, or give each its own named run (runs:) with its own files',
      }),
    ]);
  });

  test('different names load, in order', () => {
    const r = parseSpec('run: { files: [drivers/0-main.py, drivers/1-main.py] }\nchecks:\n  - { id: a, exit_code: 0 }\n', join(dir, 'spec.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.spec!.run.files).toEqual([join(dir, 'drivers', '0-main.py'), join(dir, 'drivers', '1-main.py')]);
  });
});
