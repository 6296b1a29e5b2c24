/**
 * Property tests: a trace generated to satisfy a spec passes it; a trace mutated to break one
 * constraint (drop a line, swap two, shift a time) fails exactly the checks that depend on it.
 *
 * Traces have unique labels, so an independent oracle can decide each generated check from
 * label positions and times alone; the engine must agree with it on every mutated trace.
 */

import fc from 'fast-check';
import type { Check, LineSelector } from '../spec/types.js';
import type { Stream, TraceLine } from '../trace/types.js';
import { evaluateChecks } from './evaluate.js';
import { check, fetchAndCountSpec, fetchAndCountTrace, run, sel, spec, tol } from './testkit.js';

const TOL = 10;

interface Gen {
  check: Check;
  /** Labels the check is about. */
  mentions: string[];
  timing: boolean;
  /** Does the check hold on this trace? Decided from label positions and times only. */
  oracle: (t: TraceLine[]) => boolean;
}

const pos = (t: TraceLine[], label: string) => t.findIndex((l) => l.text === label);
const at = (t: TraceLine[], label: string) => t[pos(t, label)]?.tMs ?? NaN;
const s = (label: string, stream: Stream | 'any'): LineSelector => sel(label, { stream });

/** Checks that all hold on `t` (a trace of unique labels), with their oracles. */
function checksFor(t: TraceLine[], picks: number[]): Gen[] {
  const n = t.length;
  const L = (i: number) => t[i % n]!;
  const out: Gen[] = [];
  let id = 0;
  const add = (body: Check['body'], mentions: string[], oracle: Gen['oracle'], timing = false) =>
    out.push({ check: check(`c${id++}`, body), mentions, oracle, timing });

  const a = L(picks[0]!);
  add({ kind: 'exists', line: s(a.text, a.stream) }, [a.text], (u) => pos(u, a.text) >= 0);
  add({ kind: 'count', line: s(a.text, a.stream), exactly: 1 }, [a.text], (u) => pos(u, a.text) >= 0);
  add({ kind: 'absent', line: s('never printed', 'any') }, [], () => true);

  // An in-order subsequence across both streams.
  const idx = [...new Set(picks.map((p) => p % n))].sort((x, y) => x - y).slice(0, 4);
  const labels = idx.map((i) => t[i]!.text);
  add({ kind: 'order', lines: idx.map((i) => s(t[i]!.text, t[i]!.stream)), strict: false }, labels, (u) => {
    const p = labels.map((l) => pos(u, l));
    return p.every((x) => x >= 0) && p.every((x, k) => k === 0 || x > p[k - 1]!);
  });
  add({ kind: 'group', lines: idx.map((i) => s(t[i]!.text, t[i]!.stream)) }, labels, (u) => labels.every((l) => pos(u, l) >= 0));

  // Strict pair: consecutive lines of one stream.
  const nextOnStream = (u: TraceLine[], i: number) => {
    for (let k = i + 1; k < u.length; k++) if (u[k]!.stream === u[i]!.stream) return k;
    return -1;
  };
  const i0 = picks[1]! % n;
  const j0 = nextOnStream(t, i0);
  if (j0 >= 0) {
    const [x, y] = [t[i0]!, t[j0]!];
    add({ kind: 'order', lines: [s(x.text, x.stream), s(y.text, y.stream)], strict: true }, [x.text, y.text], (u) => {
      const p = pos(u, x.text);
      return p >= 0 && pos(u, y.text) >= 0 && nextOnStream(u, p) === pos(u, y.text);
    });
  }

  // First and last stdout lines.
  const std = t.filter((l) => l.stream === 'stdout');
  if (std.length > 0) {
    const f = std[0]!.text;
    const z = std[std.length - 1]!.text;
    add({ kind: 'first', line: s(f, 'stdout') }, [f], (u) => u.find((l) => l.stream === 'stdout')?.text === f);
    add({ kind: 'last', line: s(z, 'stdout') }, [z], (u) => u.filter((l) => l.stream === 'stdout').pop()?.text === z);
  }

  // Timing: a line at its time, and the delay between two lines.
  const b = L(picks[2]!);
  add({ kind: 'at', line: s(b.text, b.stream), atMs: b.tMs, tolerance: tol(TOL) }, [b.text], (u) => pos(u, b.text) >= 0 && Math.abs(at(u, b.text) - b.tMs) <= TOL, true);
  const [p, q] = [picks[3]! % n, picks[4]! % n].sort((x, y) => x - y);
  if (p! < q!) {
    const [x, y] = [t[p!]!, t[q!]!];
    const d = y.tMs - x.tMs;
    add(
      { kind: 'delay', from: s(x.text, x.stream), to: s(y.text, y.stream), aboutMs: d, tolerance: tol(TOL) },
      [x.text, y.text],
      (u) => pos(u, x.text) >= 0 && pos(u, y.text) > pos(u, x.text) && Math.abs(at(u, y.text) - at(u, x.text) - d) <= TOL,
      true,
    );
  }

  // A scope: C between P and Q.
  const tri = [...new Set([picks[5]! % n, picks[6]! % n, picks[7]! % n])].sort((x, y) => x - y);
  if (tri.length === 3) {
    const [P, C, Q] = tri.map((i) => t[i]!);
    add(
      { kind: 'exists', line: s(C!.text, C!.stream), scope: { after: s(P!.text, P!.stream), before: s(Q!.text, Q!.stream) } },
      [P!.text, C!.text, Q!.text],
      (u) => {
        const [pp, pc, pq] = [pos(u, P!.text), pos(u, C!.text), pos(u, Q!.text)];
        if (pp < 0 || pc <= pp) return false;
        return pq > pp ? pc < pq : true; // no Q after P: the scope runs to the end
      },
    );
  }
  return out;
}

/** A trace of unique labels; gaps are 0 (equal timestamps) or ≥ 50 ms, far from the 10 ms tolerance. */
const traceArb = fc
  .array(fc.record({ gap: fc.oneof(fc.constant(0), fc.integer({ min: 50, max: 400 })), stderr: fc.boolean() }), { minLength: 3, maxLength: 12 })
  .map((rows) => {
    let tMs = 0;
    return rows.map((r, i): TraceLine => {
      tMs += r.gap;
      return { tMs, text: `line ${i}`, stream: r.stderr && i % 3 === 0 ? 'stderr' : 'stdout' };
    });
  });
const picksArb = fc.array(fc.nat(100), { minLength: 8, maxLength: 8 });

type Mutation = { kind: 'drop'; i: number } | { kind: 'swap'; i: number } | { kind: 'shift'; i: number };

function mutate(t: TraceLine[], m: Mutation): { trace: TraceLine[]; touched: string[] } {
  const i = m.i % t.length;
  if (m.kind === 'drop') return { trace: t.filter((_, k) => k !== i), touched: [t[i]!.text] };
  if (m.kind === 'swap') {
    const j = i + 1 < t.length ? i + 1 : i - 1;
    const u = t.map((l) => ({ ...l }));
    // Swap the lines, keeping the timestamps where they were (the clock does not run backwards).
    [u[i]!.text, u[j]!.text, u[i]!.stream, u[j]!.stream] = [t[j]!.text, t[i]!.text, t[j]!.stream, t[i]!.stream];
    return { trace: u, touched: [t[i]!.text, t[j]!.text] };
  }
  // A 1 s stall before line i: it and everything after it move.
  return { trace: t.map((l, k) => (k >= i ? { ...l, tMs: l.tMs + 1000 } : l)), touched: t.slice(i).map((l) => l.text) };
}

const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), i: fc.nat(50) }),
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(50) }),
  fc.record({ kind: fc.constant('shift' as const), i: fc.nat(50) }),
);

test('a trace generated to satisfy a spec passes it', () => {
  fc.assert(
    fc.property(traceArb, picksArb, (t, picks) => {
      const gens = checksFor(t, picks);
      expect(gens.every((g) => g.oracle(t))).toBe(true); // the generator is right about its own trace
      const outs = evaluateChecks(spec(gens.map((g) => g.check)), run(t));
      for (const o of outs) expect([o.id, o.status, o.message]).toEqual([o.id, 'passed', o.message]);
    }),
    { numRuns: 300 },
  );
});

test('a mutated trace fails exactly the checks that depend on the mutated lines', () => {
  const seen = { failed: 0, passed: 0 };
  fc.assert(
    fc.property(traceArb, picksArb, mutationArb, (t, picks, m) => {
      const gens = checksFor(t, picks);
      const { trace: u, touched } = mutate(t, m);
      const outs = evaluateChecks(spec(gens.map((g) => g.check)), run(u));
      gens.forEach((g, k) => {
        const o = outs[k]!;
        const expected = g.oracle(u) ? 'passed' : 'failed';
        seen[o.status === 'failed' ? 'failed' : 'passed']++;
        if (o.status !== expected) throw new Error(`${m.kind} ${m.i}: ${g.check.id} (${g.check.body.kind}) is ${o.status}, oracle says ${expected}: ${o.message}`);
        if (o.status === 'failed') {
          // Only checks about the mutated lines can fail; a stall breaks only timing checks.
          expect(g.mentions.some((l) => touched.includes(l))).toBe(true);
          if (m.kind === 'shift') expect(g.timing).toBe(true);
          expect(o.message.length).toBeGreaterThan(0);
        }
      });
    }),
    { numRuns: 500 },
  );
  // The mutations must actually break things, not only leave everything passing.
  expect(seen.failed).toBeGreaterThan(500);
  expect(seen.passed).toBeGreaterThan(500);
});

test('dropping a line fails at least its exists check; a stall fails the at check of every later line', () => {
  fc.assert(
    fc.property(traceArb, fc.nat(50), (t, i) => {
      const k = i % t.length;
      const target = t[k]!;
      const c = check('x', { kind: 'exists', line: s(target.text, target.stream) });
      const a = check('y', { kind: 'at', line: s(target.text, target.stream), atMs: target.tMs, tolerance: tol(TOL) });
      expect(evaluateChecks(spec([c]), run(mutate(t, { kind: 'drop', i: k }).trace))[0]!.status).toBe('failed');
      expect(evaluateChecks(spec([a]), run(mutate(t, { kind: 'shift', i: k }).trace))[0]!.status).toBe('failed');
    }),
  );
});

test('the lesson program passes its spec under any jitter within tolerance', () => {
  fc.assert(
    // Times stay in trace order: '0' not before the start, '8' not before 'done fetching'.
    fc.property(fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 10, maxLength: 10 }), (jit) => {
      const outs = evaluateChecks(fetchAndCountSpec(), fetchAndCountTrace((i) => (i === 0 || i === 8 ? Math.abs(jit[i]!) : jit[i]!)));
      for (const o of outs) expect([o.id, o.status]).toEqual([o.id, 'passed']);
    }),
  );
});
