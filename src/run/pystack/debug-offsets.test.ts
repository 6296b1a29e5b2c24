/** The 3.13 cross-check of our layout against the process's own _Py_DebugOffsets (pure, fake memory). */

import { describe, expect, test } from '@jest/globals';
import { checkDebugOffsets } from './debug-offsets.js';
import { layoutFor } from './layout.js';
import { FakeMemory } from './testkit.js';

const l = layoutFor('3.13')!;
const RUNTIME = 0x7f00_0000_0000n;

/** _Py_DebugOffsets as a 3.13 build whose offsets are ours would publish it. */
function published(edit: (b: Buffer) => void = () => {}): FakeMemory {
  const b = Buffer.alloc(1024);
  b.write('xdebugpy', 0, 'latin1');
  b.writeBigUInt64LE(0x030d00f0n, 8);
  for (const [at, value] of l.debugOffsets!) b.writeBigUInt64LE(BigInt(value), at);
  edit(b);
  const mem = new FakeMemory();
  mem.put(RUNTIME, b);
  return mem;
}

describe('checkDebugOffsets', () => {
  test('the generated layout checks several fields', () => {
    expect(l.debugOffsets!.length).toBeGreaterThanOrEqual(10);
  });

  test('a process that agrees passes', () => {
    expect(checkDebugOffsets(published(), RUNTIME, l)).toBeNull();
  });

  test('a moved field is refused, naming where', () => {
    const [at] = l.debugOffsets![1]!;
    expect(checkDebugOffsets(published((b) => b.writeBigUInt64LE(9999n, at)), RUNTIME, l)).toMatch(`+${at} is 9999`);
  });

  test('another minor version is refused', () => {
    expect(checkDebugOffsets(published((b) => b.writeBigUInt64LE(0x030e00f0n, 8)), RUNTIME, l)).toMatch('says Python 3.14');
  });

  test('no cookie: not _PyRuntime', () => {
    expect(checkDebugOffsets(published((b) => b.write('xdebugpz', 0, 'latin1')), RUNTIME, l)).toMatch('no _Py_DebugOffsets cookie');
  });

  test('unreadable memory', () => {
    expect(checkDebugOffsets(new FakeMemory(), RUNTIME, l)).toMatch('cannot read');
  });

  test('versions without debug offsets are not checked', () => {
    expect(checkDebugOffsets(new FakeMemory(), RUNTIME, layoutFor('3.12')!)).toBeNull();
  });
});
