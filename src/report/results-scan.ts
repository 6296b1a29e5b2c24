/**
 * One streaming pass over a results.json in the layout our writer makes (json.ts): the
 * `"submissions": [` line at indent 2, each submission a block from a line `    {` to a line
 * `    }` or `    },` (indent 4), everything inside indented deeper. JSON strings hold no raw
 * newline, so every line start is layout and the blocks can be found without parsing the
 * file. The pass hands each block's bytes and byte range to `onBlock` and returns the text
 * of the rest of the file (the header, with `"submissions": [` and `]` and nothing between).
 * Any line out of that layout (a hand-edited, truncated or foreign file) returns null: the
 * caller then parses the whole file, which says what is wrong with it.
 */

import type { FileHandle } from 'node:fs/promises';

const CHUNK = 1 << 20;
const LIST_OPEN = Buffer.from('  "submissions": [');
const OPEN = Buffer.from('    {');
const CLOSE = Buffer.from('    }');
const CLOSE_MORE = Buffer.from('    },');
const LIST_CLOSE = Buffer.from('  ]');
const LIST_CLOSE_MORE = Buffer.from('  ],');
const DEEPER = Buffer.from('      ');

export type OnBlock = (bytes: Buffer, start: number, end: number) => void;

/** head: outside the list; first: after `[`; next: after `},`; end: after the last `}`; block: inside one. */
type State = 'head' | 'first' | 'next' | 'end' | 'block';

/** Scan `fh` from its start, `chunk` bytes a read; null when the file is not in the writer's layout. */
export async function scanResults(fh: FileHandle, onBlock: OnBlock, chunk = CHUNK): Promise<string | null> {
  const head: string[] = [];
  let state: State = 'head';
  let listed = false;
  let pieces: Buffer[] = []; // the current block's bytes so far
  let blockStart = 0;
  let carry = Buffer.alloc(0); // an unfinished last line
  let offset = 0; // file offset of carry's first byte
  for (;;) {
    const fresh = Buffer.allocUnsafe(chunk);
    const { bytesRead } = await fh.read(fresh, 0, chunk, offset + carry.length);
    const eof = bytesRead === 0;
    const data = carry.length ? Buffer.concat([carry, fresh.subarray(0, bytesRead)]) : fresh.subarray(0, bytesRead);
    let pos = 0;
    let piece = 0; // where the current block's bytes start in `data`
    for (;;) {
      let nl = data.indexOf(10, pos);
      if (nl < 0) {
        if (!eof || pos >= data.length) break;
        nl = data.length; // the last line, with no newline
      }
      const line = data.subarray(pos, nl);
      if (state === 'head') {
        head.push(line.toString('utf8'));
        if (line.equals(LIST_OPEN)) {
          if (listed) return null; // a second "submissions" key: JSON.parse keeps the last one
          listed = true;
          state = 'first';
        }
      } else if (state === 'block') {
        if (line.equals(CLOSE) || line.equals(CLOSE_MORE)) {
          pieces.push(data.subarray(piece, pos + CLOSE.length));
          const end = offset + pos + CLOSE.length;
          onBlock(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), blockStart, end);
          pieces = [];
          state = line.length === CLOSE.length ? 'end' : 'next';
        } else if (!startsWith(line, DEEPER)) return null;
      } else if (state !== 'next' && (line.equals(LIST_CLOSE) || line.equals(LIST_CLOSE_MORE))) {
        head.push(line.toString('utf8'));
        state = 'head';
      } else if (state !== 'end' && line.equals(OPEN)) {
        state = 'block';
        blockStart = offset + pos + OPEN.length - 1;
        piece = pos + OPEN.length - 1;
      } else return null;
      pos = nl + 1;
    }
    if (state === 'block') {
      pieces.push(data.subarray(piece, Math.min(pos, data.length)));
    }
    if (eof) break;
    offset += pos;
    carry = data.subarray(pos);
  }
  return state === 'head' ? head.join('\n') : null;
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}
