/**
 * What the streaming reader of results.json (report/results-file.ts) does with files that are
 * not exactly what the writer made: another layout is parsed whole (same results), a cut or
 * hand-broken file gets the old clear error, a file changed under the reader is refused, and
 * a report written into the very folder it reads from reads the file it opened.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openResultsFile, stringifyResults, writeReports, type ResultSource } from '../src/report/index.js';
import type { GradeResults } from '../src/score/types.js';
import { classResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

const results = (): GradeResults => classResults({ withGarbage: false });

async function all(source: ResultSource): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < source.results.submissions.length; i++) out.push(await source.load(i));
  await source.close?.();
  return out;
}

function file(text: string): string {
  const f = join(tempDir(), 'results.json');
  writeFileSync(f, text);
  return f;
}

test('the writer\'s layout is streamed; any other valid layout is parsed whole, to the same results', async () => {
  const r = results();
  const expected = JSON.parse(JSON.stringify(r.submissions)) as unknown[];
  const streamed = await openResultsFile(file(stringifyResults(r)));
  expect(streamed.results.submissions[0]!.runs[0]!.trace).toEqual([]); // a summary
  expect(await all(streamed)).toEqual(expected);
  for (const text of [JSON.stringify(r), JSON.stringify(r, null, 2), stringifyResults(r).replace(/\n/g, '\r\n'), stringifyResults(r).trimEnd()]) {
    expect(await all(await openResultsFile(file(text)))).toEqual(expected);
  }
});

test('a cut, broken or foreign file keeps its clear error', async () => {
  const text = stringifyResults(results());
  await expect(openResultsFile(file(text.slice(0, Math.floor(text.length / 2))))).rejects.toThrow(/results\.json: not valid JSON \(.*\); was the file edited or cut short\?/);
  // A submission's block broken by hand, the layout intact.
  const broken = text.replace('"score": ', '"score": ,');
  await expect(openResultsFile(file(broken))).rejects.toThrow(/not valid JSON/);
  await expect(openResultsFile(file(text.replace('"schemaVersion": 1', '"schemaVersion": 9')))).rejects.toThrow(/schemaVersion 9 is not supported/);
  await expect(openResultsFile(file(text.replace('"tracegrade"', '"other"')))).rejects.toThrow(/not a tracegrade results\.json/);
  await expect(openResultsFile(join(tempDir(), 'missing.json'))).rejects.toThrow(/missing\.json: cannot read results \(ENOENT\)/);
});

test('a file changed in place after it was read is refused, not misread', async () => {
  const f = file(stringifyResults(results()));
  const source = await openResultsFile(f);
  writeFileSync(f, readFileSync(f, 'utf8').replace(/"durationMs": (\d)/, (_m, d: string) => `"durationMs": ${d === '9' ? '8' : '9'}`), { flag: 'r+' });
  await expect(all(source)).rejects.toThrow(/changed while its reports were being written/);
});

test('reporting into the folder of the results.json it reads, which the json report replaces, reads the file it opened', async () => {
  const r = results();
  // In the layout, but each trace line over several lines: the writer's file differs (and its offsets).
  const loose = stringifyResults(r).replace(/\{"tMs":([^\n]*)\}/g, (m) => JSON.stringify(JSON.parse(m), null, 2).replace(/\n/g, '\n              '));
  expect(loose).not.toBe(stringifyResults(r));
  const f = file(loose);
  const source = await openResultsFile(f);
  expect(source.results.submissions).toHaveLength(r.submissions.length);
  const here = { ...fakeContext(), outDir: dirname(f) };
  const apart = fakeContext();
  await writeReports(source, here, ['json', 'junit', 'html', 'gradescope']);
  await source.close?.();
  await writeReports(r, apart, ['json', 'junit', 'html', 'gradescope']);
  for (const name of ['results.json', 'junit.xml', 'index.html', 'detail/fetch-and-count/timeout.html', 'gradescope/crash.json']) {
    expect({ name, same: readFileSync(join(here.outDir, name), 'utf8') === readFileSync(join(apart.outDir, name), 'utf8') }).toEqual({ name, same: true });
  }
  expect(readFileSync(f, 'utf8')).toBe(stringifyResults(r));
});

test('the scan finds the same blocks and header whatever the size of its reads (lines and blocks cut anywhere)', async () => {
  const { open } = await import('node:fs/promises');
  const { scanResults } = await import('../src/report/results-scan.js');
  const r = results();
  const text = stringifyResults(r);
  const f = file(text);
  const bytes = readFileSync(f);
  const fh = await open(f, 'r');
  try {
    for (const chunk of [5, 64, 1000, 4093, 1 << 16]) {
      const blocks: unknown[] = [];
      const head = await scanResults(fh, (b, start, end) => {
        expect(b.equals(bytes.subarray(start, end))).toBe(true);
        blocks.push(JSON.parse(b.toString('utf8')));
      }, chunk);
      expect({ chunk, blocks }).toEqual({ chunk, blocks: JSON.parse(JSON.stringify(r.submissions)) });
      expect(JSON.parse(head!)).toEqual({ ...JSON.parse(JSON.stringify(r)), submissions: [] });
    }
  } finally {
    await fh.close();
  }
});
