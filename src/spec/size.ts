/** Byte sizes for run limits ("256MB", "1.5GB", 4096) → bytes. KB/MB/GB are binary (1024-based), as for memory limits everywhere. */

import type { Parsed } from './duration.js';

const UNIT: Record<string, number> = {
  b: 1,
  k: 1024, kb: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};
const SIZE_RE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$/i;

export function parseSize(value: unknown): Parsed<number> {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { ok: true, value: Math.round(value) };
  if (typeof value === 'string') {
    const m = SIZE_RE.exec(value);
    const unit = m ? UNIT[(m[2] || 'b').toLowerCase()] : undefined;
    if (m && unit !== undefined) return { ok: true, value: Math.round(Number(m[1]) * unit) };
  }
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return { ok: false, message: `${shown} is not a size: write 256MB, 64KB, 1GB or a number of bytes` };
}
