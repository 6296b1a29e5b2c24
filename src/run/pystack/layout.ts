/**
 * Struct offsets per CPython minor version, generated from each version's headers by
 * scripts/pystack-offsets.sh into layouts.json (committed: CI has no headers to compile).
 * Within a minor version these structs do not move between the builds we checked (the script
 * stops if two disagree, e.g. pyenv's 3.11.7 and Debian's 3.11.2).
 */

import layouts from './layouts.json' with { type: 'json' };

export interface Layout {
  version: string;
  /** interpreters.head (the newest interpreter), interpreters.main (the one we walk), main_thread. */
  runtime: { interpretersHead: number; interpretersMain: number; mainThread: number };
  interp: { threadsHead: number };
  /** One of frame (3.8–3.10), cframe (3.11–3.12), currentFrame (3.13) is present. */
  tstate: { interp: number; next: number; threadId: number; frame?: number; cframe?: number; currentFrame?: number };
  /** 3.11–3.12: _PyCFrame.current_frame. */
  cframe?: { currentFrame: number };
  /** 3.8–3.10: PyFrameObject. */
  frameObject?: { back: number; code: number };
  /** 3.11+: _PyInterpreterFrame (code = f_code, 3.13 f_executable); ownerCstack -1 = none. */
  iframe?: { previous: number; code: number; owner: number; ownerCstack: number };
  /** 3.13+: [offset in _Py_DebugOffsets, the value our layout has] for each field we use. */
  debugOffsets?: Array<[number, number]>;
  object: { type: number };
  code: { flags: number; firstLine: number; name: number; filename: number };
  unicode: {
    length: number;
    state: number;
    asciiSize: number;
    compactSize: number;
    kindMask: number;
    compactMask: number;
    asciiMask: number;
  };
}

const table = layouts as unknown as Record<string, Layout>;

/** The layout of "3.X", or undefined for a version we have no offsets for. */
export function layoutFor(version: string): Layout | undefined {
  return Object.hasOwn(table, version) ? table[version] : undefined;
}

export const knownVersions = (): string[] => Object.keys(table);

/** Bytes to read to see every field of a struct at once. */
export function span(...offsets: number[]): number {
  return Math.max(...offsets) + 8;
}
