import type { CheckBody, Spec } from '../spec/types.js';
import type { RunRecord } from '../trace/types.js';
import { evaluateCheck } from './evaluate.js';
import { check, run, sel, spec, tol, trace } from './testkit.js';

const evalBody = (body: CheckBody, r: RunRecord, opts: Partial<Spec> = {}) => {
  const c = check('c', body);
  return evaluateCheck(spec([c], opts), r, c);
};

const r = run(trace([[0, 'start fetching'], [10, 'tim'], [1020, 'text'], [2070, 'done fetching'], [2100, 'finished']]), { wallMs: 2150 });

describe('at', () => {
  test('from the start, within tolerance', () => {
    const o = evalBody({ kind: 'at', line: sel('done fetching'), atMs: 2000, tolerance: tol(100) }, r);
    expect(o.status).toBe('passed');
    expect(o.message).toBe("'done fetching' at 2.07 s (trace line 4), within 2 s ± 100 ms from the start");
    expect(o.windows).toEqual([{ fromMs: 1900, toMs: 2100, label: "'done fetching' expected" }]);
  });

  test('late: says by how much, and the window', () => {
    const o = evalBody({ kind: 'at', line: sel('done fetching'), atMs: 1500, tolerance: tol(200) }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toBe(
      "expected 'done fetching' at 1.5 s ± 200 ms from the start, i.e. between 1.30 s and 1.70 s; it came at 2.07 s (trace line 4): 370 ms too late",
    );
    expect(o.lines[0]).toMatchObject({ index: 3, role: 'offending' });
  });

  test('measured from another line', () => {
    const o = evalBody({ kind: 'at', line: sel('finished'), atMs: 1000, tolerance: tol(150), from: sel('text') }, r);
    expect(o.status).toBe('passed');
    expect(o.message).toContain("1.08 s after 'text' (1.02 s, trace line 3)");
    expect(o.windows[0]).toEqual({ fromMs: 1870, toMs: 2170, label: "'finished' expected" });
  });

  test('the line came before the line it is timed from', () => {
    const o = evalBody({ kind: 'at', line: sel('tim'), atMs: 1000, tolerance: tol(150), from: sel('text') }, r);
    expect(o.status).toBe('failed');
    expect(o.category).toBe('violated');
    expect(o.message).toBe("expected 'tim' at 1 s ± 150 ms after 'text' (1.02 s, trace line 3); it came at 0.01 s (trace line 2), before 'text' (1.02 s, trace line 3)");
  });

  test('anchor never appears → not applicable, said first', () => {
    const o = evalBody({ kind: 'at', line: sel('finished'), atMs: 1000, tolerance: tol(150), from: sel('nope') }, r);
    expect(o.category).toBe('not-applicable');
    expect(o.message).toMatch(/^cannot be checked: 'finished' is timed from 'nope', which never appears/);
  });

  test('relative tolerance, and timing.scale widens it', () => {
    const body: CheckBody = { kind: 'at', line: sel('done fetching'), atMs: 1800, tolerance: { relative: 0.1 } };
    expect(evalBody(body, r).status).toBe('failed'); // 1800 ± 180 → up to 1980
    expect(evalBody(body, r, { timing: { tolerance: { ms: 150 }, scale: 2 } }).status).toBe('passed'); // ± 360
  });

  test('an empty tolerance falls back to the spec default', () => {
    const body: CheckBody = { kind: 'at', line: sel('done fetching'), atMs: 2000, tolerance: {} };
    expect(evalBody(body, r, { timing: { tolerance: { ms: 50 }, scale: 1 } }).status).toBe('failed');
    expect(evalBody(body, r, { timing: { tolerance: { ms: 100 }, scale: 1 } }).status).toBe('passed');
  });
});

describe('delay', () => {
  test('about, passing and failing', () => {
    const ok = evalBody({ kind: 'delay', from: sel('text'), to: sel('finished'), aboutMs: 1000, tolerance: tol(200) }, r);
    expect(ok.status).toBe('passed');
    expect(ok.message).toBe("'finished' at 2.10 s (trace line 5) came 1.08 s after 'text' (1.02 s, trace line 3) (expected about 1 s ± 200 ms)");
    const bad = evalBody({ kind: 'delay', from: sel('tim'), to: sel('text'), aboutMs: 2000, tolerance: tol(200) }, r);
    expect(bad.status).toBe('failed');
    expect(bad.message).toBe(
      "expected 'text' about 2 s ± 200 ms after 'tim' (0.01 s, trace line 2); it came at 1.02 s (trace line 3), 1.01 s later: 790 ms less than the 1.80 s required",
    );
    expect(bad.windows).toEqual([{ fromMs: 1810, toMs: 2210, label: "'text' expected" }]);
  });

  test('at most is scaled, at least is not', () => {
    const atMost: CheckBody = { kind: 'delay', from: sel('tim'), to: sel('text'), atMostMs: 600, tolerance: {} };
    expect(evalBody(atMost, r).status).toBe('failed');
    const scaled = evalBody(atMost, r, { timing: { tolerance: {}, scale: 2 } });
    expect(scaled.status).toBe('passed');
    expect(scaled.message).toContain('at most 1.2 s (600 ms × scale 2)');
    const atLeast: CheckBody = { kind: 'delay', from: sel('tim'), to: sel('text'), atLeastMs: 1500, tolerance: {} };
    expect(evalBody(atLeast, r, { timing: { tolerance: {}, scale: 2 } }).status).toBe('failed');
  });

  test('the target came before the trigger', () => {
    const o = evalBody({ kind: 'delay', from: sel('finished'), to: sel('text'), atMostMs: 5000, tolerance: {} }, r);
    expect(o.status).toBe('failed');
    expect(o.message).toContain('it came before it, at 1.02 s (trace line 3)');
  });

  test('the target never follows: the message shows what came instead', () => {
    const rr = run(trace([[0, 'done fetching'], [1, "<Task finished name='Task-2' coro=<fetch_data() done>>"], [250, '8']]));
    const o = evalBody({ kind: 'delay', from: sel('done fetching'), to: sel("{'data': 1}"), atMostMs: 150, tolerance: {} }, rr);
    expect(o.message).toBe(
      `expected "{'data': 1}" at most 150 ms after 'done fetching' (0.00 s, trace line 1); it never appears; the next stdout line is "<Task finished name='Task-2' coro=<fetch_data() done>>" (0.00 s, trace line 2), and the last is '8' (0.25 s, trace line 3)`,
    );
    const end = evalBody({ kind: 'delay', from: sel('8'), to: sel('9'), atMostMs: 300, tolerance: {} }, { ...rr, wallMs: 260 });
    expect(end.message).toContain('nothing follows on stdout (the run ended at 0.26 s)');
  });

  test('trigger missing → not applicable; target missing → missing', () => {
    expect(evalBody({ kind: 'delay', from: sel('nope'), to: sel('text'), atMostMs: 1, tolerance: {} }, r).category).toBe('not-applicable');
    expect(evalBody({ kind: 'delay', from: sel('tim'), to: sel('nope'), atMostMs: 1, tolerance: {} }, r).category).toBe('missing');
  });

  test('every trigger must get a response in time (bounded response)', () => {
    const rr = run(trace([[0, 'req'], [100, 'ok'], [200, 'req'], [900, 'ok'], [1000, 'req'], [1050, 'ok']]));
    const o = evalBody({ kind: 'delay', from: sel('req', { occurrence: 'every' }), to: sel('ok'), atMostMs: 200, tolerance: {} }, rr);
    expect(o.status).toBe('failed');
    expect(o.fraction).toBeCloseTo(2 / 3);
    expect(o.message).toMatch(/^2 of 3 hold\. First failure: expected 'ok' at most 200 ms after 'req' \(0\.20 s, trace line 3\)/);
    expect(o.windows).toHaveLength(3);
  });
});

describe('runtime from process start', () => {
  const rr = run(trace([[0, 'a'], [1000, 'b']]), { wallMs: 1000, startupMs: 700 });
  test('from: process_start counts the start-up (an import that sleeps) back in; the default leaves it out', () => {
    const body: CheckBody = { kind: 'runtime', atMostMs: 1200, tolerance: {} };
    expect(evalBody(body, rr).status).toBe('passed');
    const o = evalBody({ ...body, from: 'process_start' } as CheckBody, rr);
    expect(o.status).toBe('failed');
    expect(o.message).toContain('it took 1.70 s from process start (700 ms of start-up included)');
  });

  test('under a virtual clock start-up takes no virtual time', () => {
    const o = evalBody({ kind: 'runtime', atMostMs: 1200, tolerance: {}, from: 'process_start' }, { ...rr, clock: 'virtual' });
    expect(o.status).toBe('passed');
    expect(o.message).toContain('(virtual time) from process start (no start-up recorded)');
  });
});

describe('every', () => {
  const ticks = (times: number[]) => run(trace(times.map((t, i) => [t, String(i)] as [number, string])));
  const body: CheckBody = { kind: 'every', line: sel('/^\\d$/'), periodMs: 250, tolerance: tol(100) };

  test('all gaps within tolerance', () => {
    const o = evalBody(body, ticks([0, 250, 510, 740, 1000]));
    expect(o.status).toBe('passed');
    expect(o.message).toBe('5 lines match /^\\d$/; all 4 gaps between them (230 ms to 260 ms) are within 250 ms ± 100 ms');
    expect(o.windows).toHaveLength(4);
    expect(o.windows[1]).toMatchObject({ fromMs: 400, toMs: 600 });
  });

  test('a blocked loop: the long gap is cited; fraction = gaps in tolerance / gaps', () => {
    const o = evalBody(body, ticks([0, 250, 500, 1500, 1750]));
    expect(o.status).toBe('failed');
    expect(o.fraction).toBe(0.75);
    expect(o.message).toContain("3 of 4 gaps hold");
    expect(o.message).toContain("'2' (0.50 s, trace line 3) → '3' (1.50 s, trace line 4): 1.00 s (650 ms too long)");
    expect(o.lines).toEqual([expect.objectContaining({ index: 2, role: 'anchor' }), expect.objectContaining({ index: 3, role: 'offending' })]);
  });

  test('vacuous: true passes on fewer than two lines, saying there is no gap; without it they fail', () => {
    const vac: CheckBody = { ...body, vacuous: true } as CheckBody;
    const none = evalBody(vac, run(trace([[0, 'x']])));
    expect(none.status).toBe('passed');
    expect(none.message).toBe('no line matches /^\\d$/: there is no gap to measure, which passes (vacuous: true)');
    const one = evalBody(vac, ticks([100]));
    expect(one.status).toBe('passed');
    expect(one.message).toContain("only one line matches /^\\d$/, '0' at 0.10 s (trace line 1)");
    expect(evalBody(body, ticks([100])).status).toBe('failed');
    // With two lines or more the gaps are judged as usual.
    expect(evalBody(vac, ticks([0, 900])).status).toBe('failed');
  });

  test('relative tolerance on the period', () => {
    const rel: CheckBody = { kind: 'every', line: sel('/^\\d$/'), periodMs: 1000, tolerance: { relative: 0.05 } };
    expect(evalBody(rel, ticks([0, 1040, 2080])).status).toBe('passed');
    expect(evalBody(rel, ticks([0, 1060, 2080])).status).toBe('failed');
  });

  test('equal timestamps (a burst at exit) fail every gap', () => {
    const o = evalBody(body, ticks([900, 900, 900]));
    expect(o.status).toBe('failed');
    expect(o.fraction).toBe(0);
    expect(o.message).toContain('every gap is about 0 ms, not 250 ms (at least 150 ms allowed)');
  });

  test('hard-coded output: one statement for gaps that are all the same, one line ref per line', () => {
    const o = evalBody(body, ticks([110, 110.2, 110.4, 110.5]));
    expect(o.message).toBe(
      "expected lines matching /^\\d$/ every 250 ms ± 100 ms; every gap is about 0.20 ms, not 250 ms (at least 150 ms allowed) — they come out all at once, without waiting, from '0' (0.11 s, trace line 1) to '3' (0.11 s, trace line 4)",
    );
    expect(o.lines.map((l) => [l.index, l.role])).toEqual([[0, 'anchor'], [1, 'offending'], [2, 'offending'], [3, 'offending']]);
  });

  test('fewer than two lines: nothing to measure', () => {
    expect(evalBody(body, ticks([0])).message).toContain('only one appears');
    expect(evalBody(body, run([])).category).toBe('missing');
  });
});

describe('runtime', () => {
  test('about', () => {
    const o = evalBody({ kind: 'runtime', aboutMs: 2500, tolerance: tol(300) }, run([], { wallMs: 2600 }));
    expect(o.status).toBe('passed');
    expect(o.message).toBe('the run took 2.60 s (expected about 2.5 s ± 300 ms)');
    expect(o.windows).toEqual([{ fromMs: 2200, toMs: 2800, label: 'end of run expected' }]);
  });

  test('the sequential mistake: 4.5 s instead of 2.5 s', () => {
    const rr = run(trace([[4250, '9']]), { wallMs: 4520 });
    const o = evalBody({ kind: 'runtime', aboutMs: 2500, tolerance: tol(400) }, rr);
    expect(o.status).toBe('failed');
    expect(o.message).toBe("expected the run to take about 2.5 s ± 400 ms; it took 4.52 s: 1.62 s too long. Its last line was '9' at 4.25 s (trace line 1)");
  });

  test('at least and at most together read as a range', () => {
    const o = evalBody({ kind: 'runtime', atLeastMs: 2200, atMostMs: 3400, tolerance: {} }, run([], { wallMs: 1000 }));
    expect(o.message).toBe('expected the run to take between 2.2 s and 3.4 s; it took 1.00 s: 1.20 s too short. It printed nothing');
  });

  test('at least / at most, scale, time-out, virtual clock', () => {
    expect(evalBody({ kind: 'runtime', atLeastMs: 1000, tolerance: {} }, run([], { wallMs: 500 })).message).toContain('500 ms too short');
    expect(evalBody({ kind: 'runtime', atMostMs: 1000, tolerance: {} }, run([], { wallMs: 1500 }), { timing: { tolerance: {}, scale: 2 } }).status).toBe('passed');
    const to = evalBody({ kind: 'runtime', atMostMs: 1000, tolerance: {} }, run([], { wallMs: 10000, timedOut: true, exitCode: null, signal: 'SIGKILL' }));
    expect(to.message).toContain('stopped at the wall-time limit');
    expect(to.message).toContain('it printed nothing');
    expect(evalBody({ kind: 'runtime', aboutMs: 2500, tolerance: tol(1) }, run([], { wallMs: 2500, clock: 'virtual' })).message).toContain('(virtual time)');
  });
});
