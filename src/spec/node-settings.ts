/** `run.node_flags` and `run.node_resolve`: what runtime node adds to its argv. */

import type { DiagnosticSink } from './diagnostic.js';
import type { RunSettings } from './types.js';
import type { YamlAccess } from './yaml-access.js';

/** Reads the keys into `settings` (inherited values already there); errors are positioned at the key. */
export function normalizeNodeKeys(y: YamlAccess, sink: DiagnosticSink, runNode: unknown, settings: RunSettings): void {
  const run = y.asMap(runNode);
  for (const key of ['node_flags', 'node_resolve']) {
    if (y.has(run, key) && settings.runtime !== 'node') {
      sink.error(y.pair(run, key), `'${key}' only applies with runtime: node (this spec runs ${settings.runtime})`, settings.runtime === 'command' ? 'put the flags in the command argv' : 'remove it, or set runtime: node');
    }
  }
  if (settings.runtime !== 'node') {
    delete settings.nodeFlags;
    delete settings.nodeResolve;
    return;
  }
  if (y.has(run, 'node_flags')) {
    const node = y.get(run, 'node_flags');
    const seq = y.asSeq(node);
    if (!seq) {
      sink.error(node, 'node_flags must be a list of Node flags', 'e.g. node_flags: [--no-warnings, --stack-size=2000]');
    } else {
      const flags: string[] = [];
      for (const item of seq.items) {
        const v = y.js(item);
        if (typeof v !== 'string' || !v.startsWith('-')) {
          sink.error(item, `node_flags: ${JSON.stringify(v)} is not a Node flag (a flag starts with -)`, 'arguments for the program go in run.args; write a flag and its value as one item: --stack-size=2000');
          continue;
        }
        flags.push(v);
      }
      settings.nodeFlags = flags;
    }
  }
  if (y.has(run, 'node_resolve')) {
    const v = y.js(y.get(run, 'node_resolve'));
    if (v === 'loose' || v === 'strict') settings.nodeResolve = v; // any other value: the schema's enum says so
  }
}
