/** Small read helpers over the yaml AST, tolerant of wrong shapes (the schema reports those). */

import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export class YamlAccess {
  constructor(private readonly doc: Document) {}

  /** Follow a YAML alias (*anchor) to its node. */
  deref(node: unknown): unknown {
    if (isAlias(node)) {
      try {
        return node.resolve(this.doc);
      } catch {
        return undefined;
      }
    }
    return node;
  }

  asMap(node: unknown): YAMLMap | undefined {
    const n = this.deref(node);
    return isMap(n) ? n : undefined;
  }

  asSeq(node: unknown): YAMLSeq | undefined {
    const n = this.deref(node);
    return isSeq(n) ? n : undefined;
  }

  /** The pair of `key` in a mapping. */
  pair(map: YAMLMap | undefined, key: string): Pair | undefined {
    return map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
  }

  /** The value node of `key` in a mapping (undefined when absent). */
  get(map: YAMLMap | undefined, key: string): Node | undefined {
    const p = this.pair(map, key);
    return p ? ((this.deref(p.value) as Node | undefined) ?? (p.key as Node)) : undefined;
  }

  has(map: YAMLMap | undefined, key: string): boolean {
    return this.pair(map, key) !== undefined;
  }

  /** Plain JS value of a node. */
  js(node: unknown): unknown {
    const n = this.deref(node);
    if (isScalar(n)) return n.value;
    if (n && typeof (n as Node).toJSON === 'function') {
      try {
        return (n as Node).toJS(this.doc);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** Keys of a mapping, as written. */
  keys(map: YAMLMap | undefined): string[] {
    return (map?.items ?? []).map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean);
  }

  /**
   * A scalar as text the way it was written: `0.50`, `07` and `3.10` stay themselves instead of
   * becoming the numbers 0.5, 7 and 3.1.
   */
  text(node: unknown): string | undefined {
    const n = this.deref(node);
    if (!isScalar(n)) return undefined;
    if (typeof n.value === 'string') return n.value;
    if (typeof n.value === 'number' || typeof n.value === 'boolean') return (n as { source?: string }).source ?? String(n.value);
    return undefined;
  }
}
