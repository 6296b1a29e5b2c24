import fc from 'fast-check';
import { renderSubmission, renderSummaryLine, terminalReporter, useColor } from '../src/report/terminal.js';
import { excerptText, showLine, traceExcerpt, truncate, visible } from '../src/report/text.js';
import { classResults, crash, flaky, garbage, HUGE_LINE_LENGTH, lateDone, noEntry, reference, singleResults } from './fixtures/results/fetch-and-count.js';
import { cleanupTempDirs, fakeContext, stripSgr } from './fixtures/results/helpers.js';

afterAll(cleanupTempDirs);

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('visible / truncate', () => {
  test('control characters, ANSI, lone surrogates and non-characters become visible escapes', () => {
    expect(visible('\x1b[31mred\x1b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(visible('a\x00b\x7fc\x85')).toBe('a\\x00b\\x7fc\\x85');
    expect(visible('tab\there')).toBe('tab here');
    expect(visible('x\uD800y')).toBe('x\uFFFDy');
    expect(visible('\uFFFE')).toBe('\\u{fffe}');
    expect(visible('emoji 🎉 and café')).toBe('emoji 🎉 and café');
    expect(visible('a\nb')).toBe('a\\x0ab');
    expect(visible('a\nb', true)).toBe('a\nb');
  });

  test('property: the output of visible never holds a control character or a lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(UNSAFE.test(visible(s))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  test('truncate says how much was cut and never splits a surrogate pair', () => {
    const long = 'a'.repeat(3) + 'b'.repeat(40);
    expect(truncate(long, 3)).toBe('aaa… [40 more characters]');
    expect(truncate('abc', 3)).toBe('abc');
    const cut = truncate('ab🎉' + 'c'.repeat(40), 3);
    expect(UNSAFE.test(cut)).toBe(false);
    expect(cut.startsWith('ab…')).toBe(true);
  });

  test('truncate keeps a line that is only a little too long: the note would be longer than the cut', () => {
    // Seen on a crash: "…was never awai… [3 more characters]" instead of the 3 characters.
    const line = "sys:1: RuntimeWarning: coroutine 'fetch_data' was never awaited";
    expect(truncate(line, line.length - 3)).toBe(line);
    expect(showLine(line, line.length - 3)).toBe(line);
    // Past the note's length it is cut, and the result is never longer than the original.
    const longer = line + ' '.repeat(30) + 'x';
    expect(truncate(longer, line.length)).toBe(`${line}… [31 more characters]`);
  });

  test('a 5 MB line is cut before anything else looks at it', () => {
    const huge = garbage().runs[0]!.trace.find((l) => l.text.length === HUGE_LINE_LENGTH)!;
    const t0 = performance.now();
    const shown = showLine(huge.text, 120);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(shown.length).toBeLessThan(200);
    expect(shown).toContain(`${(HUGE_LINE_LENGTH - 120).toLocaleString('en-US')} more characters`);
  });
});

describe('trace excerpt', () => {
  test('keeps context around referenced lines, merges ranges and marks gaps', () => {
    const s = lateDone();
    const c = s.checks.find((x) => x.id === 'fetch-takes-two-seconds')!;
    const rows = traceExcerpt(s.runs[0]!, c.lines, { context: 2 });
    // 'start fetching' (index 0) ±2 and 'done fetching' (index 11) ±2, with one gap between.
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, -1, 9, 10, 11, 12]);
    expect(rows.find((r) => r.index === 11)!.refs[0]!.role).toBe('offending');
  });

  test('text excerpt has times in the margin and the annotation beside the offending line', () => {
    const s = lateDone();
    const c = s.checks.find((x) => x.id === 'done-around-eight')!;
    const text = excerptText(s.runs[0]!, c.lines);
    // The column the explanations' "trace line 12" is looked up in, headed so.
    expect(text).toMatch(/^trace line, time │ text\n/);
    expect(text).toMatch(/\n {5}11 {4}2\.32s │ 9\n {5}12 {4}2\.57s │ done fetching {3}← offending: expected before '8'/);
  });
});

describe('renderSubmission', () => {
  test('late done: ✗ with points, explanation, hint, a FileCheck-style excerpt and the score line', () => {
    const out = renderSubmission(lateDone(), { color: false, showHidden: true });
    expect(out).toMatch(/✗ "done fetching" lands between 7 and 8 +0\/2/);
    expect(out).toContain("'done fetching' came at 2.57 s, after '9' at 2.32 s");
    expect(out).toMatch(/hint: Run fetch_data and print_numbers as tasks/);
    expect(out).toMatch(/ 11 +2\.32s │ 9\n +12 +2\.57s │ done fetching +← offending: expected before '8'/);
    expect(out).toMatch(/^  trace line, time │\n +7 +1\.32s │ 5$/m);
    expect(out).toMatch(/✓ Prints "start fetching" first +1\/1/);
    expect(out).toMatch(/○ The fetched value is printed right after "done fetching" +0\/1/);
    expect(out).toMatch(/Score 9\/13 \(69\.2%\) +6 passed, 2 failed, 1 skipped\n$/);
    // A passed check shows no excerpt or hint.
    expect(out).not.toContain('hint: Create the fetch_data task');
  });

  test('no colour codes unless asked; with colour, only ours', () => {
    const plain = renderSubmission(garbage(), { color: false, showHidden: true });
    expect(plain).not.toContain('\x1b');
    const coloured = renderSubmission(garbage(), { color: true, showHidden: true });
    expect(coloured).toContain('\x1b[31m');
    // What the program printed (its own \x1b[31m) is shown escaped, never sent raw to the terminal.
    expect(stripSgr(coloured)).not.toContain('\x1b');
    expect(stripSgr(coloured)).toContain('\\x1b[31mred');
    expect(stripSgr(coloured)).toBe(plain);
  });

  test('invalid UTF-8, control characters and a 5 MB line: output stays small and safe', () => {
    const out = renderSubmission(garbage(), { color: false, showHidden: true });
    expect(out.length).toBeLessThan(20_000);
    expect(UNSAFE.test(out)).toBe(false);
    expect(out).toContain('caf\uFFFD');
    expect(out).toContain('\\u{fffe}');
    expect(out).toContain('more characters]');
  });

  test('hidden checks are left out (and out of the score) unless showHidden', () => {
    const s = crash();
    const student = renderSubmission(s, { color: false, showHidden: false });
    expect(student).not.toContain('Nothing on stderr');
    expect(student).toMatch(/Score 1\.2\/12 /);
    const instructor = renderSubmission(s, { color: false, showHidden: true });
    expect(instructor).toMatch(/✗ Nothing on stderr \[hidden\]/);
    expect(instructor).toMatch(/Score 1\.2\/13 /);
    expect(instructor).toContain('[stderr] ZeroDivisionError: division by zero');
  });

  test('unstable checks show ~ and each run; a submission that could not run says why', () => {
    const f = renderSubmission(flaky(), { color: false, showHidden: true });
    expect(f).toMatch(/~ Numbers tick every 0\.25 s +2\/2/);
    expect(f).toContain('runs: 1 ✓  2 ✗  3 ✓');
    expect(f).toContain('run 2 of 3:');
    const n = renderSubmission(noEntry(), { color: false, showHidden: true });
    expect(n).toMatch(/could not be graded: entry file 'main.py' not found/);
    expect(n).toMatch(/Score 0\/13/);
  });
});

describe('summary line and reporter', () => {
  test('one line per submission, no colour', () => {
    expect(renderSummaryLine(reference())).toBe('✓ reference  13/13 (100%)  fetch-and-count  2.51 s');
    expect(renderSummaryLine(lateDone())).toBe(
      '✗ late-done  9/13 (69.2%)  fetch-and-count  failed: done-around-eight, fetch-takes-two-seconds  2.58 s',
    );
    expect(renderSummaryLine(noEntry())).toMatch(/^! no-entry {2}0\/13 \(0%\) {2}fetch-and-count {2}error: entry file/);
    for (const s of classResults().submissions) expect(renderSummaryLine(s)).not.toMatch(/\n/);
  });

  test('colour only on a TTY, never with NO_COLOR', () => {
    expect(useColor({}, { isTTY: true })).toBe(true);
    expect(useColor({}, { isTTY: false })).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(useColor({ NO_COLOR: '' }, { isTTY: true })).toBe(true);
    expect(useColor({ FORCE_COLOR: '1' }, { isTTY: false })).toBe(true);
    expect(useColor({ TERM: 'dumb' }, { isTTY: true })).toBe(false);
  });

  test('reporter: full report for one submission, summary lines for a batch', async () => {
    const one = fakeContext({ NO_COLOR: '1' }, true);
    expect(await terminalReporter.write(singleResults(lateDone()), one)).toEqual([]);
    expect(one.out()).toContain('2.57s │ done fetching');
    expect(one.out()).not.toContain('\x1b');
    const tty = fakeContext({}, true);
    await terminalReporter.write(singleResults(lateDone()), tty);
    expect(tty.out()).toContain('\x1b[');
    const batch = fakeContext();
    await terminalReporter.write(classResults({ withGarbage: false }), batch);
    const lines = batch.out().trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[7]).toBe('7 submissions: 2 at full marks, mean 55.2%');
  });
});

describe('batch summary lines on a TTY', () => {
  test('coloured like the single-submission report when colour is on; plain otherwise', async () => {
    const { renderSummaryLine } = await import('../src/report/terminal.js');
    const { lateDone: late, reference: ref, noEntry: none } = await import('./fixtures/results/fetch-and-count.js');
    expect(renderSummaryLine(late())).not.toMatch(/\x1b/);
    expect(renderSummaryLine(ref(), true)).toMatch(/^\x1b\[32m✓\x1b\[39m \x1b\[1mreference\x1b\[22m/);
    expect(renderSummaryLine(late(), true)).toMatch(/^\x1b\[33m✗\x1b\[39m .*\x1b\[31mfailed: /);
    expect(renderSummaryLine(none(), true)).toMatch(/^\x1b\[31m!\x1b\[39m .*\x1b\[31merror: /);
    // eslint-disable-next-line no-control-regex
    for (const s of [ref(), late(), none()]) expect(renderSummaryLine(s, true).replace(/\x1b\[\d+m/g, '')).toBe(renderSummaryLine(s));
  });
});
