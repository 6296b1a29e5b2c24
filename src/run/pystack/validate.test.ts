/**
 * The type checks that keep a program's look-alike structs out (pure, over fake memory laid out
 * with each version's real offsets): a "code object" or "str" whose ob_type is not the
 * interpreter's own type object is refused, and a frame chain holding one is not a stack.
 */

import { describe, expect, test } from '@jest/globals';
import { CodeCache } from './code.js';
import { walkFrames, type FrameWalk } from './frames.js';
import { knownVersions, layoutFor, type Layout } from './layout.js';
import { MAX_CHARS, readPyString } from './pystring.js';
import { codeObject, FakeMemory, frameObject, iframe, pyString, TYPES } from './testkit.js';

const VERSIONS = knownVersions();
const at = (n: number) => 0x7f00_0000_0000n + BigInt(n) * 0x1000n;

test('layouts exist for 3.8–3.13', () => {
  expect(VERSIONS).toEqual(['3.8', '3.9', '3.10', '3.11', '3.12', '3.13']);
});

describe.each(VERSIONS)('Python %s', (version) => {
  const l: Layout = layoutFor(version)!;

  describe('readPyString', () => {
    const read = (buf: Buffer) => {
      const mem = new FakeMemory();
      return readPyString(mem, mem.put(at(1), buf), l, TYPES.unicode);
    };
    test.each([['ascii', 'print_numbers'], ['latin-1', 'café'], ['UCS-2', 'задача'], ['UCS-4', 'f😀'], ['empty', '']])('%s', (_k, s) => {
      expect(read(pyString(l, s))).toBe(s);
    });
    test('a bytes object laid out as a str is refused', () => {
      expect(read(pyString(l, 'print_numbers', { type: TYPES.bytes }))).toBeNull();
    });
    test('a non-compact (legacy) string is refused', () => {
      expect(read(pyString(l, 'x', { compact: false }))).toBeNull();
    });
    test('an invalid kind is refused', () => {
      expect(read(pyString(l, 'abc', { kind: 1 as const, type: TYPES.unicode }).fill(0xff, l.unicode.state, l.unicode.state + 1))).toBeNull();
    });
    test(`a long one is cut at ${MAX_CHARS} characters`, () => {
      expect(read(pyString(l, 'a'.repeat(3000)))).toBe('a'.repeat(MAX_CHARS));
    });
  });

  describe('CodeCache and walkFrames', () => {
    /** Memory with two real-looking code objects and the strings they name. */
    function world() {
      const mem = new FakeMemory();
      const file = mem.put(at(10), pyString(l, '/w/main.py'));
      const names = ['inner', 'fetch_data'].map((n, i) => mem.put(at(11 + i), pyString(l, n)));
      const codes = names.map((name, i) => mem.put(at(20 + i), codeObject(l, { name, file, flags: i ? 0x80 : 0, firstLine: 3 + i })));
      const walk: FrameWalk = { mem, layout: l, codes: new CodeCache(mem, l, TYPES), frameType: TYPES.frame };
      return { mem, file, names, codes, walk };
    }
    /** A chain of frames running `codes`, innermost first; returns the innermost address. */
    function chain(mem: FakeMemory, codes: bigint[], opts: { owners?: number[]; loop?: boolean } = {}): bigint {
      const addrs = codes.map((_c, i) => at(40 + i));
      codes.forEach((code, i) => {
        const previous = i + 1 < codes.length ? addrs[i + 1]! : opts.loop ? addrs[0]! : 0n;
        mem.put(addrs[i]!, l.frameObject ? frameObject(l, { code, back: previous }) : iframe(l, { code, previous, owner: opts.owners?.[i] }));
      });
      return addrs[0]!;
    }

    test('a real chain reads innermost first, with names, file, flags, first line', () => {
      const { mem, codes, walk } = world();
      expect(walkFrames(walk, chain(mem, codes))).toEqual([
        { name: 'inner', file: '/w/main.py', flags: 0, firstLine: 3, code: `0x${codes[0]!.toString(16)}` },
        { name: 'fetch_data', file: '/w/main.py', flags: 0x80, firstLine: 4, code: `0x${codes[1]!.toString(16)}` },
      ]);
    });

    test('a frame whose code is a bytes object laid out like a code object is not a stack', () => {
      const { mem, names, file, codes, walk } = world();
      const forged = mem.put(at(30), codeObject(l, { type: TYPES.bytes, name: names[1]!, file, flags: 0x80 }));
      const got = walkFrames(walk, chain(mem, [codes[0]!, forged]));
      // 3.13 skips a non-code executable (its shims hold None); older versions refuse the chain.
      if (version === '3.13') expect(got!.map((f) => f.name)).toEqual(['inner']);
      else expect(got).toBeNull();
    });

    test('a real code object whose name is a forged str is refused', () => {
      const { mem, file, walk } = world();
      const fake = mem.put(at(31), pyString(l, 'print_numbers', { type: TYPES.bytes }));
      const code = mem.put(at(32), codeObject(l, { name: fake, file }));
      expect(walk.codes.frame(code)).toBeNull();
    });

    test('a chain that loops is not a stack', () => {
      const { mem, codes, walk } = world();
      expect(walkFrames(walk, chain(mem, codes, { loop: true }))).toBeNull();
    });

    test('an unreadable frame is not a stack', () => {
      const { walk } = world();
      expect(walkFrames(walk, at(99))).toBeNull();
    });

    test('a second look at a code object reads only its head', () => {
      const { mem, codes, walk } = world();
      walk.codes.frame(codes[0]!);
      const before = mem.reads;
      expect(walk.codes.frame(codes[0]!)!.name).toBe('inner');
      expect(mem.reads - before).toBe(1);
    });

    test('the cache re-checks the names: a code object freed and reused at one address reads anew', () => {
      const { mem, codes, names, file, walk } = world();
      expect(walk.codes.frame(codes[0]!)!.name).toBe('inner');
      mem.put(codes[0]!, codeObject(l, { name: names[1]!, file }));
      expect(walk.codes.frame(codes[0]!)!.name).toBe('fetch_data');
      mem.put(codes[0]!, codeObject(l, { type: TYPES.bytes, name: names[1]!, file }));
      expect(walk.codes.frame(codes[0]!)).toBeNull();
    });

    if (l.frameObject) {
      test('3.8–3.10: a frame object whose ob_type is not PyFrame_Type is not a stack', () => {
        const { mem, codes, walk } = world();
        const f = mem.put(at(50), frameObject(l, { type: TYPES.bytes, code: codes[0]!, back: 0n }));
        expect(walkFrames(walk, f)).toBeNull();
      });
    }

    if (l.iframe && l.iframe.ownerCstack >= 0) {
      test('C-stack shim frames are skipped', () => {
        const { mem, codes, walk } = world();
        const shim = mem.put(at(33), codeObject(l, { type: TYPES.bytes, name: 0n, file: 0n }));
        const first = chain(mem, [codes[0]!, shim, codes[1]!], { owners: [0, l.iframe!.ownerCstack, 0] });
        expect(walkFrames(walk, first)!.map((f) => f.name)).toEqual(['inner', 'fetch_data']);
      });
    }
  });
});
