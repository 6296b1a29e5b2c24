/** The maps parser and the device encoding (pure). */

import { describe, expect, test } from '@jest/globals';
import { firstMappings, makedev, parseMaps } from './maps.js';

const MAPS = [
  '00400000-0041f000 r--p 00000000 fe:00 260811                             /usr/bin/python3.11',
  '0041f000-006d2000 r-xp 0001f000 fe:00 260811                             /usr/bin/python3.11',
  '7f1c00000000-7f1c00021000 rw-p 00000000 00:00 0 ',
  '7f1c2a000000-7f1c2a100000 r--p 00000000 103:05 42   /home/a b/libpython3.12.so.1.0 (deleted)',
  '7ffd1000-7ffd2000 rw-p 00000000 00:00 0                                  [stack]',
  'not a maps line',
  '',
].join('\n');

describe('parseMaps', () => {
  const maps = parseMaps(MAPS);

  test('reads every well-formed line, skips the rest', () => {
    expect(maps).toHaveLength(5);
    expect(maps[0]).toEqual({
      start: 0x400000n, end: 0x41f000n, perms: 'r--p', offset: 0n, major: 0xfe, minor: 0, inode: 260811n, path: '/usr/bin/python3.11',
    });
    expect(maps[1]!.offset).toBe(0x1f000n);
  });

  test('keeps a path with spaces and the (deleted) mark as the kernel wrote them', () => {
    expect(maps[3]!.path).toBe('/home/a b/libpython3.12.so.1.0 (deleted)');
    expect([maps[3]!.major, maps[3]!.minor]).toEqual([0x103, 5]);
  });

  test('anonymous and special mappings', () => {
    expect(maps[2]!.path).toBe('');
    expect(maps[4]!.path).toBe('[stack]');
  });

  test('firstMappings: file mappings at offset 0 only', () => {
    expect(firstMappings(maps).map((m) => m.start)).toEqual([0x400000n, 0x7f1c2a000000n]);
  });
});

describe('makedev, as glibc encodes st_dev', () => {
  test.each([
    [0xfe, 0, 0xfe00n],
    [8, 1, 0x801n],
    [259, 5, (259n << 8n) | 5n],
    [0, 0x1234, (0x12n << 20n) | 0x34n],
    [0x12345, 0, (0x12n << 44n) | (0x345n << 8n)],
  ])('%i:%i', (major, minor, dev) => {
    expect(makedev(major, minor)).toBe(dev);
  });
});
