/**
 * `runs:` — named runs of one spec (one per course driver, say), each inheriting from `run:` —
 * and a check's `run:`, the named run it looks at (default: the first).
 */

import type { YAMLMap } from 'yaml';
import type { DiagnosticSink } from './diagnostic.js';
import { normalizeRun } from './run-settings.js';
import { didYouMean } from './suggest.js';
import type { NamedRun, RunSettings } from './types.js';
import type { YamlAccess } from './yaml-access.js';

/** The named runs in the order written, or undefined when the spec has no `runs:`. */
export function normalizeNamedRuns(y: YamlAccess, sink: DiagnosticSink, node: unknown, specFile: string, base: RunSettings): NamedRun[] | undefined {
  const map = y.asMap(node);
  if (!map) return undefined;
  const out: NamedRun[] = [];
  for (const pair of map.items) {
    const name = y.text(pair.key);
    if (name === undefined) continue;
    out.push({ name, run: normalizeRun(y, sink, pair.value, specFile, base) });
  }
  return out.length > 0 ? out : undefined;
}

/** The named run a check item looks at: its `run:` (checked against `runs:`), else the first; undefined without `runs:`. */
export function checkRun(y: YamlAccess, sink: DiagnosticSink, item: YAMLMap | undefined, runs: NamedRun[] | undefined): string | undefined {
  const node = y.get(item, 'run');
  const v = y.js(node);
  const names = (runs ?? []).map((r) => r.name);
  if (typeof v === 'string') {
    if (!runs) {
      sink.error(node, `this check looks at run '${v}', but the spec declares no named runs`, 'declare them under runs: (e.g. runs: { task0: { entry: 0-main.py } }), or remove run: from the check');
      return undefined;
    }
    if (!names.includes(v)) {
      const guess = didYouMean(v, names);
      sink.error(node, `no named run '${v}'${guess ? ` — did you mean '${guess}'?` : ''}`, `named runs in this spec: ${names.join(', ')}`);
      return undefined;
    }
    return v;
  }
  return names[0];
}
