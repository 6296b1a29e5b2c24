/** Positioned diagnostics: where a YAML node stands, and how a diagnostic is printed. */

import { isMap, isNode, isPair, isSeq, isScalar, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Diagnostic } from './types.js';

/** Builds diagnostics for one file, positioned from YAML node offsets. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** 1-based line/col of a source offset. */
  pos(offset: number | undefined): { line: number; col: number } {
    if (offset === undefined) return { line: 0, col: 0 };
    return this.lineCounter.linePos(offset);
  }

  /** Position of a node (or of a pair's key), or of the whole file when unknown. */
  posOf(node: unknown): { line: number; col: number } {
    if (isPair(node)) return this.posOf((node as Pair).key ?? (node as Pair).value);
    if (isNode(node) && node.range) return this.pos(node.range[0]);
    return { line: 0, col: 0 };
  }

  error(node: unknown, message: string, hint?: string): void {
    this.add('error', node, message, hint);
  }

  /**
   * An error `offset` characters into a scalar's value (e.g. a construct inside a regex). Exact
   * for plain and quoted scalars without escapes; otherwise the scalar's own position.
   */
  errorAt(node: unknown, offset: number | undefined, message: string, hint?: string): void {
    const n = node as { range?: [number, number, number]; type?: string; value?: unknown };
    const start = n?.range?.[0];
    const quoted = n?.type === 'QUOTE_DOUBLE' || n?.type === 'QUOTE_SINGLE';
    const raw = typeof n?.value === 'string' ? n.value : undefined;
    const escaped = typeof raw === 'string' && (n.type === 'QUOTE_SINGLE' ? raw.includes("'") : quoted && /[\\"]/.test(raw));
    if (offset === undefined || start === undefined || escaped || (n.type !== 'PLAIN' && !quoted)) return this.error(node, message, hint);
    const d: Diagnostic = { file: this.file, ...this.pos(start + (quoted ? 1 : 0) + offset), message, severity: 'error' };
    if (hint) d.hint = hint;
    this.diagnostics.push(d);
  }

  warning(node: unknown, message: string, hint?: string): void {
    this.add('warning', node, message, hint);
  }

  add(severity: Diagnostic['severity'], node: unknown, message: string, hint?: string): void {
    const d: Diagnostic = { file: this.file, ...this.posOf(node), message, severity };
    if (hint) d.hint = hint;
    this.diagnostics.push(d);
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

/**
 * The node at a JSON path (as ajv reports it) in a YAML document; with `key: true`, the key of
 * the last step rather than its value. Falls back to the deepest node found.
 */
export function nodeAtPath(doc: Document, path: (string | number)[], key = false): Node | Pair | undefined {
  let node: unknown = doc.contents;
  let last: unknown = node;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return last as Node;
      if (key && i === path.length - 1) return pair as Pair;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(step)];
    } else {
      return last as Node;
    }
    if (node === undefined || node === null) return last as Node;
    last = node;
  }
  return node as Node;
}

/** Order diagnostics by position (whole-file ones first), errors before warnings at the same spot. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) => a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

/**
 * `specs/x.yaml:12:5: error: message`, then the source line with a caret under the column
 * (when `source` is given) and an indented `hint:` line.
 */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const out = [`${where}: ${d.severity}: ${d.message}`];
  if (source !== undefined && d.line > 0) {
    const text = source.split(/\r?\n/)[d.line - 1];
    if (text !== undefined && text.trim() !== '') {
      const gutter = `${String(d.line).padStart(4)} | `;
      out.push(`${gutter}${text}`);
      // Keep tabs in the caret line so the caret lands under the same column.
      const lead = text.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, ' ');
      out.push(`${' '.repeat(gutter.length - 2)}| ${lead}^`);
    }
  }
  if (d.hint) out.push(`    hint: ${d.hint}`);
  return out.join('\n');
}
