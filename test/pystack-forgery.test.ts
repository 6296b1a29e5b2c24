/**
 * Look-alike structs in a real process: the child lays out, in bytes objects, structs shaped like
 * a code object and a str with its version's real offsets, and prints their addresses. The
 * reader's code check (the one every frame's code pointer goes through) must refuse each whose
 * type pointer is not the interpreter's own, and the stacks read meanwhile must hold only the
 * real frames. A struct that copies the real type addresses (id(types.CodeType) is public) does
 * pass the check: the pinned limit below (docs/pystack.md, "What the checks prove").
 */

import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { CodeCache } from '../src/run/pystack/code.js';
import { openPyStackReader } from '../src/run/pystack/index.js';
import { layoutFor } from '../src/run/pystack/layout.js';
import { locateRuntime } from '../src/run/pystack/locate.js';
import { parseMaps } from '../src/run/pystack/maps.js';
import { ProcMemory } from '../src/run/pystack/memory.js';
import { pythons } from './facilities.js';
import { allBlockedInRead, release, removeScriptDirs, scriptFile, startChild } from './pystack-helpers.js';

const FORGER = `
import asyncio, json, struct, sys, types
L = json.loads(sys.argv[1])
obj, code, uni = L['object'], L['code'], L['unicode']
SVAL = sys.getsizeof(b'') - 1  # where a bytes object's payload starts
keep = []
def lay(size, fields, tail=b''):
    buf = bytearray(size)
    struct.pack_into('<q', buf, 0, 1000)  # ob_refcnt
    for off, fmt, value in fields:
        struct.pack_into(fmt, buf, off, value)
    b = bytes(buf) + tail
    keep.append(b)  # alive, so its address stays its own
    return id(b) + SVAL
def fake_str(text, typ):  # compact ASCII
    state = (uni['kindMask'] & -uni['kindMask']) | uni['compactMask'] | uni['asciiMask']
    fields = [(obj['type'], '<Q', typ), (uni['length'], '<q', len(text)), (uni['state'], '<I', state)]
    return lay(uni['asciiSize'], fields, text.encode() + bytes(1))
def fake_code(typ, name, file):
    size = max(code.values()) + 8
    return lay(size, [(obj['type'], '<Q', typ), (code['name'], '<Q', name), (code['filename'], '<Q', file), (code['flags'], '<i', 0x80), (code['firstLine'], '<i', 1)])
CODE, STR = id(types.CodeType), id(str)
async def fetch_data():
    co = fetch_data.__code__
    good_name, good_file = id(co.co_name), id(co.co_filename)
    forged = {
        'bytesObject': id(keep[0]),
        'bytesTyped': fake_code(id(bytes), good_name, good_file),
        'zeroTyped': fake_code(0, good_name, good_file),
        'forgedName': fake_code(CODE, fake_str('print_numbers', id(bytes)), good_file),
        'forgedFile': fake_code(CODE, good_name, fake_str('/w/x.py', id(bytes))),
        'realTypes': fake_code(CODE, fake_str('print_numbers', STR), good_file),
        'real': id(co),
    }
    print(json.dumps(forged))
    print('ready', flush=True)
    sys.stdin.readline()
lay(64, [])
asyncio.run(fetch_data())
`;

const DEBIAN = '/usr/bin/python3.11';
const cases = [
  ...pythons().map((p) => ({ label: `pyenv ${p.version}`, exe: p.exe, version: p.version })),
  ...(existsSync(DEBIAN) ? [{ label: 'Debian static 3.11', exe: DEBIAN, version: '3.11' }] : []),
];

afterAll(removeScriptDirs);

describe.each(cases)('$label', ({ exe, version }) => {
  test('structs laid out in bytes objects are not code objects; the stack holds only real frames', async () => {
    const script = scriptFile('forger.py', FORGER);
    // The layout is the reader's own, so the fakes sit exactly where the reader looks.
    const layout = layoutFor(version)!;
    const child = await startChild(exe, [script, JSON.stringify(layout)]);
    try {
      await allBlockedInRead(child.pid!, 10_000, 1);
      const addr = JSON.parse(child.printed.split('\n')[0]!) as Record<string, string>;
      const rt = locateRuntime(parseMaps(readFileSync(`/proc/${child.pid}/maps`, 'utf8')), exe);
      if ('error' in rt) throw new Error(rt.error);
      const mem = ProcMemory.open(child.pid!);
      if ('error' in mem) throw new Error(mem.error);
      const codes = new CodeCache(mem, layout, { code: rt.codeType, unicode: rt.unicodeType });
      const read = (k: string) => codes.frame(BigInt(addr[k]!));
      expect(read('real')).toMatchObject({ name: 'fetch_data', file: script, flags: expect.any(Number) });
      for (const k of ['bytesObject', 'bytesTyped', 'zeroTyped', 'forgedName', 'forgedFile']) expect([k, read(k)]).toEqual([k, null]);
      // The pinned limit: the real type addresses copied into a payload pass the type check.
      expect(read('realTypes')?.name).toBe('print_numbers');
      mem.close();

      const reader = openPyStackReader(child.pid!, exe);
      if ('error' in reader) throw new Error(reader.error);
      const threads = reader.threads();
      reader.close();
      const names = threads!.flatMap((t) => t.frames.map((f) => f.name));
      expect(names).toContain('fetch_data');
      expect(names).not.toContain('print_numbers');
    } finally {
      expect(await release(child)).toBe(0);
    }
  });
});
