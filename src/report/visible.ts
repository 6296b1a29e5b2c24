/**
 * Make program output safe and visible, the one function every writer (terminal, text, HTML,
 * JUnit, GitHub, Gradescope) shows student text through:
 * - C0/C1 controls and DEL become `\xNN` (an ANSI sequence shows as `\x1b[31m` instead of
 *   recolouring a terminal; a CR cannot start a new line in a CI log);
 * - invisible format characters become a visible marker `⟨U+202E⟩`: bidi embeddings, overrides
 *   and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width characters
 *   (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen, tag characters and every other Unicode
 *   format (Cf) character, and the line/paragraph separators U+2028/U+2029. Otherwise a
 *   student can make a printed line read as something it is not (`⟨U+202E⟩` reverses what follows);
 * - a tab becomes a space, lone surrogates become U+FFFD, U+FFFE/U+FFFF become `\u{fffe}`.
 * The result contains only characters legal in XML 1.0 and harmless in a terminal.
 * `keepNewlines` keeps LF (for multi-line prose such as an explanation; never for a trace line).
 */

// \p{Cf} (format characters: bidi controls, zero-width, soft hyphen, tags…), the separators
// U+2028/9, and letters that render as nothing (Hangul fillers, Khmer inherent vowels, CGJ).
// With the u flag a valid surrogate pair is one code point, so only lone surrogates match.
const INVISIBLE = '\\p{Cf}\\u2028\\u2029\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u3164\\uFFA0';
// eslint-disable-next-line no-control-regex
const CONTROLS = '\\x00-\\x1f\\x7f-\\x9f\\uD800-\\uDFFF\\uFFFE\\uFFFF';
const UNSAFE = new RegExp(`[${CONTROLS}${INVISIBLE}]`, 'u');
const UNSAFE_ALL = new RegExp(`[${CONTROLS}${INVISIBLE}]`, 'gu');

/** The visible marker of an invisible character: ⟨U+202E⟩. */
export function marker(codePoint: number): string {
  return `⟨U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

export function visible(s: string, keepNewlines = false): string {
  if (!UNSAFE.test(s)) return s; // fast path: most lines are plain
  return s.replace(UNSAFE_ALL, (c) => {
    const code = c.codePointAt(0)!;
    if (code === 0x09) return ' ';
    if (keepNewlines && code === 0x0a) return c;
    if (code >= 0xd800 && code <= 0xdfff) return '\uFFFD';
    if (code === 0xfffe || code === 0xffff) return `\\u{${code.toString(16)}}`;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${code.toString(16).padStart(2, '0')}`;
    return marker(code);
  });
}
