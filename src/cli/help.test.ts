/** `--help` lists every exit code that docs/cli.md documents, and no other. */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from './help.js';

const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'cli.md');

test('the exit codes in --help are the ones docs/cli.md documents', () => {
  const documented = [...readFileSync(DOC, 'utf8').matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  const helped = [...EXIT_CODES.matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
  expect(documented).toEqual(expect.arrayContaining([0, 1, 2, 3, 4, 130, 143]));
  expect(helped).toEqual(documented);
});
