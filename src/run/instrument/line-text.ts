/** A line's text as the tracer's records and the parent's capture are compared, and as quoted to instructors. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function normText(s: string): string {
  // The capture decodes with replacement characters; the tap's text may hold lone surrogates.
  return (s.endsWith('\r') ? s.slice(0, -1) : s).replace(LONE_SURROGATE, '\uFFFD');
}

/** Quotes a student's line for an instructor-facing reason (short, one line). */
export function quote(x: unknown): string {
  const s = typeof x === 'string' ? x.replace(/[\u0000-\u001f\u007f]/g, ' ') : '';
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
