import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/report/atomic.js';
import { jsonReporter, readResultsFile, stringifyResults } from '../src/report/json.js';
import { classResults, garbage, HUGE_LINE_LENGTH, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, tempDir } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

describe('results.json', () => {
  test('round-trips the complete GradeResults, 5 MB line, U+FFFD and control characters included', async () => {
    const results = classResults();
    const ctx = fakeContext();
    const files = await jsonReporter.write(results, ctx);
    expect(files).toEqual([join(ctx.outDir, 'results.json')]);
    const back = JSON.parse(readFileSync(files[0]!, 'utf8'));
    // Lone surrogates are escaped by JSON.stringify ("\ud800") and come back as they were.
    expect(back).toEqual(JSON.parse(JSON.stringify(results)));
    expect(back).toEqual(results);
    const g = back.submissions.find((s: { id: string }) => s.id === 'garbage');
    expect(g.runs[0].trace.some((l: { text: string }) => l.text.length === HUGE_LINE_LENGTH)).toBe(true);
    expect(g.runs[0].trace[1].text).toContain('\x00\x01\x02');
    expect(g.runs[0].trace[2].text).toBe('\x1b[31mred\x1b[0m \x1b[1mbold\x1b[0m');
  });

  test('pretty, with each trace line on one line; no marker leaks, even when a program prints one', () => {
    const s = garbage();
    s.runs[0]!.trace.push({ tMs: 300, stream: 'stdout', text: '\u0000tgdeadbeefdeadbeef\u0000{"x":1}' });
    s.checks[0]!.message = '"\\u0000tg1234\\u0000" looks like a marker';
    const text = stringifyResults(singleResults(s));
    // (boolean asserts: a failure must not print a 5 MB string)
    expect(/\n {12}\{"tMs":250,"text":"start fetching","stream":"stdout"\},\n/.test(text)).toBe(true);
    expect(/^\{\n {2}"tool": \{/.test(text)).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(singleResults(s))));
  });

  test('a line as long as the output limit allows (8 MiB) is written too, not a stack overflow', () => {
    // The one-line-per-trace-row rewrite once ran a backtracking regex over each row: V8 gave up
    // ("Maximum call stack size exceeded") somewhere between 5 and 8 MB, and results.json was lost.
    const s = garbage();
    s.runs[0]!.trace.push({ tMs: 300, stream: 'stdout', text: 'x\\"'.repeat(3 * 1024 * 1024) });
    const text = stringifyResults(singleResults(s));
    expect(JSON.parse(text).submissions[0].runs[0].trace.at(-1).text.length === 9 * 1024 * 1024).toBe(true);
  });

  test('written atomically: no temp file left, and a failed write leaves the old file whole', async () => {
    const dir = tempDir();
    const file = join(dir, 'results.json');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['results.json']);
    // The rename cannot replace a directory: the write fails, the temp file is removed.
    const blocked = join(dir, 'blocked');
    mkdirSync(join(blocked, 'sub'), { recursive: true });
    await expect(writeFileAtomic(blocked, 'x')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['blocked', 'results.json']);
  });

  test('a write into an unwritable directory fails without touching the old file', async () => {
    const dir = tempDir();
    const file = join(dir, 'results.json');
    writeFileSync(file, 'old');
    if (process.getuid?.() === 0) {
      // Root ignores directory permissions: the write is made by a child running as nobody
      // (uid 65534), for whom the directory (root's, 0755) is read-only, as it is for a user.
      chmodSync(dir, 0o755);
      const atomic = new URL('../dist/report/atomic.js', import.meta.url).href;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { writeFileAtomic } from '${atomic}'; await writeFileAtomic(process.argv[1], 'new');`, file], {
        uid: 65534,
        gid: 65534,
        cwd: '/',
        encoding: 'utf8',
      });
      expect(r.error).toBeUndefined();
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/EACCES/);
    } else {
      chmodSync(dir, 0o500);
      await expect(writeFileAtomic(file, 'new')).rejects.toThrow(/EACCES/);
      chmodSync(dir, 0o700);
    }
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  test('readResultsFile reads what the writer wrote and names the problem otherwise', async () => {
    const ctx = fakeContext();
    const [file] = await jsonReporter.write(classResults({ withGarbage: false }), ctx);
    expect((await readResultsFile(file!)).submissions).toHaveLength(7);
    const bad = join(ctx.outDir, 'bad.json');
    writeFileSync(bad, '{"tool": {"name": "tracegrade"}, "schemaVersion": 1, "submissions": [');
    await expect(readResultsFile(bad)).rejects.toThrow(/bad\.json: not valid JSON/);
    writeFileSync(bad, '{"score": 3}');
    await expect(readResultsFile(bad)).rejects.toThrow(/not a tracegrade results\.json/);
    writeFileSync(bad, '{"tool": {"name": "tracegrade"}, "schemaVersion": 7, "submissions": []}');
    await expect(readResultsFile(bad)).rejects.toThrow(/schemaVersion 7 is not supported/);
    await expect(readResultsFile(join(ctx.outDir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read results \(ENOENT\)/);
  });
});

describe('docs/results-json.md', () => {
  /** Every field path of a value: "submissions[].runs[].trace[].tMs". */
  function paths(v: unknown, p: string, out: Set<string>): Set<string> {
    if (Array.isArray(v)) for (const x of v) paths(x, `${p}[]`, out);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.add(p ? `${p}.${k}` : k);
        if (!p.endsWith('sandbox') || k !== 'limits') paths(x, p ? `${p}.${k}` : k, out);
      }
    }
    return out;
  }

  test('documents every field the writer emits, in the section of its object', () => {
    const doc = readFileSync(new URL('../docs/results-json.md', import.meta.url), 'utf8');
    // Sections: "## Top level" and headings naming an object path in backticks.
    const sections = new Map<string, string>();
    const parts = doc.split(/^#{2,3} /m).slice(1);
    for (const part of parts) {
      const head = part.split('\n', 1)[0]!;
      const m = /`([^`]+)`/.exec(head);
      sections.set(head.startsWith('Top level') ? '' : (m?.[1] ?? head), part);
    }
    const results = classResults({ withGarbage: false });
    results.shard = { index: 1, count: 2 };
    const missing: string[] = [];
    for (const path of paths(results, '', new Set())) {
      const at = path.lastIndexOf('.');
      const parent = at < 0 ? '' : path.slice(0, at);
      const leaf = path.slice(at + 1);
      if (parent === 'shard') continue; // described in prose in the shard row
      const section = sections.get(parent);
      if (!section || !section.includes(`| \`${leaf}\` |`)) missing.push(path);
    }
    expect(missing).toEqual([]);
  });
});

describe('test/fixtures/results/class.json', () => {
  // A saved results.json of the fixture class (without the 5 MB trace), for `tracegrade report`
  // and the CLI's tests. Regenerate with UPDATE_FIXTURES=1 after changing the fixtures.
  test('is what the json reporter writes for the fixture class', () => {
    const file = new URL('./fixtures/results/class.json', import.meta.url);
    const expected = stringifyResults(classResults({ withGarbage: false }));
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8') === expected).toBe(true);
  });
});
