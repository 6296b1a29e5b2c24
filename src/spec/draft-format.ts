/** Text helpers of the drafted spec (`draft.ts`): YAML scalars, selectors, durations, ids, and small statistics. PURE. */

/** A YAML double-quoted scalar. JSON strings are valid YAML, except lone surrogates. */
export function q(s: string): string {
  return JSON.stringify(s.replace(/[\uD800-\uDFFF]/g, (c, i, str) => {
    const code = c.charCodeAt(0);
    const next = str.charCodeAt(i + 1);
    const prev = str.charCodeAt(i - 1);
    if (code < 0xdc00 && next >= 0xdc00 && next <= 0xdfff) return c;
    if (code >= 0xdc00 && prev >= 0xd800 && prev < 0xdc00) return c;
    return '\uFFFD';
  }));
}

/** A whole-line selector for `text`; the object form when the plain form would be read as a regex or alias. */
export function sel(text: string): string {
  const t = text.trimEnd();
  if (t.startsWith('$') || (t.startsWith('/') && t.length > 1)) return `{ text: ${q(t)} }`;
  return q(t);
}

/** The regex of a line's shape, digits abstracted; null when the line has no digits. */
export function shapeOf(text: string): string | null {
  const t = text.trimEnd();
  if (!/\d/.test(t)) return null;
  const parts = t.split(/\d+/).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return `^${parts.join('\\d+')}$`;
}

export function gaps(ts: number[]): number[] {
  const g: number[] = [];
  let prev: number | undefined;
  for (const t of ts) {
    if (prev !== undefined) g.push(t - prev);
    prev = t;
  }
  return g;
}

/** The median; NaN for no values. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const hi = s[m];
  if (hi === undefined) return NaN;
  if (s.length % 2) return hi;
  return (s[m - 1]! + hi) / 2; // even length ≥ 2, so m ≥ 1
}

/** Longest common subsequence of two line lists. */
export function lcs(a: string[], b: string[]): string[] {
  // dp[i][j]: the LCS length of a[i..] and b[j..]. Every index used below lies inside the table and the lists.
  const dp: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => dp[i]![j]!;
  for (let i = a.length - 1; i >= 0; i--) {
    const row = dp[i]!;
    for (let j = b.length - 1; j >= 0; j--) row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const res: string[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i]!;
    if (x === b[j]) {
      res.push(x);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return res;
}

export function roundTo(x: number, step: number): number {
  return Math.round(x / step) * step;
}
export function ceilTo(x: number, step: number): number {
  return Math.ceil(x / step) * step;
}

/** A duration as the spec language writes it: `250ms` below a second, else `2.5s`. */
export function dur(ms: number): string {
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

export function short(t: string): string {
  const s = t.trim();
  return `'${s.length > 40 ? `${s.slice(0, 37)}…` : s}'`;
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
