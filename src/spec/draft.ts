/**
 * Draft a spec from reference runs (`tracegrade record`). PURE: runs in, YAML text out.
 *
 * The draft is an authoring aid the instructor edits, so it is written for people (comments
 * say where each number came from) and it is conservative: every check it emits held in every
 * reference run, with tolerances wide enough to hold again on a loaded grader (±20 % on every
 * timing, the recording's as the re-run's). Timings of key lines are measured from the first
 * line (a `delay`), not from process start, and the whole run's time is only bounded above,
 * because the interpreter's start-up time is the noisiest part of a run.
 */

import type { RuntimeKind } from './types.js';
import type { RunRecord, TraceLine } from '../trace/types.js';
import { measuredLines } from './draft-measured.js';
import { cap, ceilTo, dur, gaps, lcs, median, q, roundTo, sel, shapeOf, short, slug } from './draft-format.js';

export interface DraftOptions {
  /** Spec name (id); defaults to "recorded". */
  name?: string;
  title?: string;
  runtime: RuntimeKind;
  entry?: string;
  /** argv for runtime 'command'. */
  command?: string[];
  clock?: 'real' | 'virtual';
  /** Where the reference came from, for the header comment. */
  source?: string;
  /** When it was recorded (ISO), for the header comment; omitted when absent (keeps this pure). */
  recordedAt?: string;
  /** Relative path from the spec's folder to schema/spec.schema.json, for the editor hint. */
  schemaPath?: string;
  /** Most lines listed in the `order` check (longer outputs are cut, with a comment). */
  maxOrderLines?: number;
  /** Most key lines given a timing check. */
  maxTimedLines?: number;
}

/** Floor of every timing tolerance: scheduling noise on a shared 2-core grader reaches ~100 ms. */
const MIN_TOLERANCE_MS = 150;
/** The runtime bound is never under this: start-up alone can take most of a second under load. */
const SHORT_RUN_MS = 1000;
/** Headroom of the runtime bound over the slowest reference run: 30 %, plus 0.7 s of start-up. */
const RUNTIME_FACTOR = 1.3;
const RUNTIME_STARTUP_MS = 700;
/** A gap this long before a line makes it a "key" moment worth a timing check. */
const KEY_GAP_MS = 50;

export function draftSpec(runs: RunRecord[], opts: DraftOptions): string {
  const [first, ...others] = runs;
  if (first === undefined) throw new Error('draftSpec needs at least one run');
  // `runs.map(f)`, typed as non-empty: examples are taken from the first run, the others confirm them.
  const eachRun = <T>(f: (r: RunRecord) => T): [T, ...T[]] => [f(first), ...others.map((r) => f(r))];
  const maxOrder = opts.maxOrderLines ?? 40;
  const maxTimed = opts.maxTimedLines ?? 8;
  const out: string[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = slug(base) || 'check';
    for (let n = 2; ids.has(id); n++) id = `${slug(base)}-${n}`;
    ids.add(id);
    return id;
  };

  // Selectors ignore trailing whitespace, so lines are compared without it.
  const stdoutOf = (r: RunRecord): TraceLine[] =>
    r.trace.filter((l) => l.stream === 'stdout' && l.text.trim() !== '').map((l) => ({ ...l, text: l.text.trimEnd() }));
  const stderrOf = (r: RunRecord): TraceLine[] => r.trace.filter((l) => l.stream === 'stderr' && l.text.trim() !== '');
  const outs = eachRun(stdoutOf);
  const n = runs.length;
  // Lines holding measured numbers are matched by their shape, and their number checked apart.
  const measured = measuredLines(outs);
  const selOf = (key: string): string => (key.startsWith('\0re:') ? q(`/${key.slice(4)}/`) : sel(key));

  // ---- header
  out.push(`# yaml-language-server: $schema=${opts.schemaPath ?? '../schema/spec.schema.json'}`);
  out.push(`# Drafted by \`tracegrade record\` from ${n} run${n === 1 ? '' : 's'} of the reference${opts.source ? ` ${opts.source}` : ''}${opts.recordedAt ? ` on ${opts.recordedAt}` : ''}.`);
  out.push('# Every check below held in every reference run. Keep what the assignment is about,');
  out.push('# delete what is incidental, and give the checks titles, hints and points.');
  out.push(`name: ${q(opts.name ?? 'recorded')}`);
  out.push(`title: ${q(opts.title ?? `${opts.name ?? 'Recorded program'} (drafted from a reference run)`)}`);
  out.push('');
  out.push('run:');
  out.push(`  runtime: ${opts.runtime}`);
  if (opts.entry !== undefined) out.push(`  entry: ${q(opts.entry)}`);
  if (opts.command && opts.command.length > 0) out.push(`  command: [${opts.command.map(q).join(', ')}]`);
  out.push(`  clock: ${opts.clock ?? first.clock ?? 'real'}`);
  out.push('');
  out.push('timing:');
  out.push(`  tolerance: ${dur(MIN_TOLERANCE_MS)}`);
  out.push('');
  out.push('checks:');

  const check = (comment: string[], body: string[]): void => {
    for (const c of comment) out.push(`  # ${c}`);
    out.push(...body.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
    out.push('');
  };

  // ---- order of stdout: the longest sequence every run printed in this order.
  let seq = outs[0].map((l) => measured.key(l.text));
  for (const o of outs.slice(1)) seq = lcs(seq, o.map((l) => measured.key(l.text)));
  const consistentOrder = outs.every((o) => o.length === seq.length);
  if (seq.length > 0) {
    const cut = seq.length > maxOrder;
    const shown = cut ? seq.slice(0, maxOrder) : seq;
    const comment = [`stdout, in the order observed${cut ? ` (the first ${maxOrder} of ${seq.length} lines)` : ''}.`];
    if (!consistentOrder) comment.push('The runs did not all print the same lines in the same order: only the lines they share, in order, are kept.');
    check(comment, [
      `id: ${uniqueId('output-order')}`,
      `title: ${q('Prints its output in the expected order')}`,
      'order:',
      ...shown.map((t) => `  - ${selOf(t)}`),
    ]);
  } else {
    // Blank lines were left out above, so blank lines must not count here either.
    const blanks = runs.some((r) => r.trace.some((l) => l.stream === 'stdout'));
    check(
      [`The reference printed nothing${blanks ? ' but blank lines' : ''} on stdout.`],
      [`id: ${uniqueId('no-output')}`, `title: ${q(`Prints nothing${blanks ? ' but blank lines' : ''} on stdout`)}`, 'count: { line: "/\\\\S/", at_most: 0 }'],
    );
  }

  // ---- first / last stdout line (blank lines count here: `first`/`last` look at the raw stream).
  const raws = eachRun((r) => r.trace.filter((l) => l.stream === 'stdout'));
  const agreed = (pick: (o: TraceLine[]) => TraceLine | undefined): string | undefined => {
    const keyOf = (l: TraceLine | undefined): string | undefined => (l ? measured.key(l.text.trimEnd()) : undefined);
    const texts = new Set(raws.map((o) => keyOf(pick(o))));
    const t = keyOf(pick(raws[0]));
    return texts.size === 1 && t ? t : undefined;
  };
  const firstText = agreed((o) => o[0]);
  if (firstText !== undefined) {
    const shownText = raws[0][0]!.text.trimEnd(); // agreed() took firstText from this line
    check([], [`id: ${uniqueId('first-line')}`, `title: ${q(`Prints ${short(shownText)} first`)}`, `first: ${selOf(firstText)}`]);
  }
  const lastText = agreed((o) => o[o.length - 1]);
  if (lastText !== undefined) {
    const shownText = raws[0][raws[0].length - 1]!.text.trimEnd(); // agreed() took lastText from this line
    check([], [`id: ${uniqueId('last-line')}`, `title: ${q(`Prints ${short(shownText)} last`)}`, `last: ${selOf(lastText)}`]);
  }

  // ---- regular ticking series: lines of one shape (digits abstracted) at a steady period.
  const seriesShapes = new Set<string>();
  const shapes = new Map<string, [string, ...string[]]>();
  for (const l of outs[0]) {
    const s = shapeOf(l.text);
    if (s === null) continue;
    const seen = shapes.get(s);
    if (seen) seen.push(l.text);
    else shapes.set(s, [l.text]);
  }
  for (const [shape, sample] of shapes) {
    const re = new RegExp(shape);
    const perRun = outs.map((o) => gaps(o.filter((l) => re.test(l.text)).map((l) => l.tMs)));
    if (!perRun.every((g) => g.length >= 3)) continue;
    const all = perRun.flat();
    const period = median(all);
    if (period < 20) continue;
    const maxDev = Math.max(...all.map((g) => Math.abs(g - period)));
    // Not regular: leave it to the instructor. The bound is relative (a quarter of the period),
    // but at least 60 ms for short periods — a loaded grader delays a wake-up by tens of ms
    // however short the sleep — and never above half the period (the tolerance must still tell
    // a wrong interval apart).
    if (maxDev > Math.min(Math.max(0.25 * period, 60), 0.5 * period)) continue;
    const periodMs = roundTo(period, period >= 100 ? 10 : 1);
    // Wide enough to hold on a loaded grader, narrow enough that a wrong interval fails.
    const tol = Math.min(Math.max(0.4 * periodMs, 3 * maxDev, 50), 0.6 * periodMs);
    seriesShapes.add(shape);
    check(
      [`${sample.length} lines like ${short(sample[0])}, one every ${dur(period)} (largest deviation seen: ${Math.round(maxDev)} ms).`],
      [
        `id: ${uniqueId('ticks-every')}`,
        `title: ${q(`Lines like ${short(sample[0])} come every ${dur(periodMs)}`)}`,
        `every: { line: ${q(`/${shape}/`)}, period: ${dur(periodMs)}, tolerance: ${dur(ceilTo(tol, 5))} }`,
        'partial: true',
      ],
    );
  }

  // ---- timings of key lines, from an anchor: the earliest line printed exactly once in every run.
  const uniqueIn = (o: TraceLine[], text: string): boolean => o.filter((l) => l.text === text).length === 1;
  const anchorIdx = outs[0].findIndex((l) => !measured.is(l.text) && outs.every((o) => uniqueIn(o, l.text)));
  const anchor = anchorIdx >= 0 ? outs[0][anchorIdx]!.text : undefined;
  let timed = 0;
  if (anchor !== undefined) {
    const anchorT = outs.map((o) => o.find((x) => x.text === anchor)!.tMs);
    let prevT = outs[0][anchorIdx]!.tMs;
    for (const l of outs[0].slice(anchorIdx + 1)) {
      const gapBefore = l.tMs - prevT;
      prevT = l.tMs;
      if (timed >= maxTimed) break;
      const shape = shapeOf(l.text);
      if (shape !== null && seriesShapes.has(shape)) continue;
      if (measured.is(l.text) || !outs.every((o) => uniqueIn(o, l.text))) continue;
      const delays = outs.map((o, k) => o.find((x) => x.text === l.text)!.tMs - anchorT[k]!);
      if (delays.some((d) => d < 0)) continue;
      const mean = delays.reduce((a, b) => a + b, 0) / n;
      // A key moment: the line came after a pause, or well after the start.
      if (gapBefore < KEY_GAP_MS && mean < KEY_GAP_MS) continue;
      const spread = Math.max(...delays) - Math.min(...delays);
      const about = roundTo(mean, 10);
      // A quarter of the delay (a loaded grader stretches every wait by up to 20 %; a third with
      // a single run, whose own timing may be the stretched one) or 3× the spread seen, with a floor.
      const share = n === 1 ? 0.3 : 0.25;
      const tol = ceilTo(Math.max(MIN_TOLERANCE_MS, share * about, 3 * spread, Math.abs(mean - about) + 3 * spread), 10);
      timed++;
      check(
        [`observed ${delays.map((d) => dur(roundTo(d, 1))).join(', ')} after ${short(anchor)}.`],
        [
          `id: ${uniqueId(`delay-${l.text}`)}`,
          `title: ${q(`${cap(short(l.text))} comes about ${dur(about)} after ${short(anchor)}`)}`,
          `delay: { from: ${sel(anchor)}, to: ${sel(l.text)}, about: ${dur(about)}, tolerance: ${dur(tol)} }`,
        ],
      );
    }
  }

  // ---- measured numbers: the value each line reported, within what a loaded grader stretches.
  for (const m of measured.checks()) {
    const num = (x: number): string => String(Number(x.toPrecision(4)));
    check(
      [`measured ${m.observed.map(num).join(', ')}${m.unit ? ` ${m.unit}` : ''} in the reference run${n === 1 ? '' : 's'}.`],
      [
        `id: ${uniqueId(`value-${m.sample.replace(/\d+(?:[.,]\d+)?/g, ' ')}`)}`,
        `title: ${q(`Reports about ${num(m.about)}${m.unit ? ` ${m.unit}` : ''}`)}`,
        `value: { line: ${q(`/${m.pattern}/`)}, about: ${num(m.about)}, tolerance: ${Math.ceil(m.tolerance * 1000) / 1000} }`,
      ],
    );
  }

  // ---- outcome: runtime, exit code / signal, stderr.
  const walls = runs.map((r) => r.wallMs);
  const maxWall = Math.max(...walls);
  const observed = `wall time observed: ${walls.map((w) => dur(roundTo(w, 1))).join(', ')} (includes interpreter start-up).`;
  if (runs.some((r) => r.timedOut)) {
    check(['The reference hit the wall-time limit.'], [`id: ${uniqueId('timed-out')}`, `title: ${q('Runs until the time limit')}`, 'timed_out: true']);
  } else {
    // The wall time includes interpreter start-up, which load stretches several-fold: only an
    // upper bound, with generous headroom (a program that waits far longer still fails). When
    // the program's waits are timed, the delay checks above are what say how long it takes.
    const atMost = ceilTo(Math.max(SHORT_RUN_MS, RUNTIME_FACTOR * maxWall + RUNTIME_STARTUP_MS), 100);
    check(
      [observed],
      [`id: ${uniqueId('runtime')}`, `title: ${q(`The whole run ends within ${dur(atMost)}`)}`, `runtime: { at_most: ${dur(atMost)} }`],
    );
  }

  const codes = new Set(runs.map((r) => r.exitCode));
  const signals = new Set(runs.map((r) => r.signal));
  if (signals.size === 1 && first.signal) {
    check([], [`id: ${uniqueId('signal')}`, `title: ${q(`Is killed by ${first.signal}`)}`, `signal: ${first.signal}`]);
  } else if (codes.size === 1 && first.exitCode !== null) {
    const code = first.exitCode;
    check([], [`id: ${uniqueId('exit-code')}`, `title: ${q(code === 0 ? 'Exits normally' : `Exits with code ${code}`)}`, `exit_code: ${code}`]);
  }

  const errs = eachRun(stderrOf);
  if (runs.every((r) => !r.trace.some((l) => l.stream === 'stderr'))) {
    check([], [`id: ${uniqueId('stderr-clean')}`, `title: ${q('Prints nothing on stderr')}`, 'stderr: clean']);
  } else {
    // Keep the stable, meaningful stderr lines: not traceback frames or source excerpts (they
    // are indented) and with any "path:line: " prefix cut, since the work dir differs per run.
    const stable = errs[0]
      .filter((l) => !/^\s/.test(l.text))
      .map((l) => l.text.replace(/^\S*\.\w+:\d+: /, '').trimEnd())
      .filter((t, i, a) => t !== '' && a.indexOf(t) === i)
      .filter((t) => !measured.is(t) && errs.every((e) => e.some((l) => l.text.includes(t))))
      .slice(-3);
    for (const t of stable) {
      check([], [`id: ${uniqueId(`stderr-${t}`)}`, `title: ${q(`Prints ${short(t)} on stderr`)}`, 'stream: stderr', `exists: { contains: ${q(t)} }`]);
    }
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
