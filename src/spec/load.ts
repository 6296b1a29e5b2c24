/**
 * Loading a spec: YAML text → positioned diagnostics (syntax, schema, meaning) and, when there is
 * no error, the normalized Spec. Reports every problem at once, each at its node.
 */

import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { CONSTRUCTS, normalizeCheck, type CheckContext, type RawCheck } from './checks.js';
import { DiagnosticSink, formatDiagnostic, sortDiagnostics } from './diagnostic.js';
import { findCycles } from './requires.js';
import { normalizeRun, normalizeTiming } from './run-settings.js';
import { checkRun, normalizeNamedRuns } from './named-runs.js';
import { FORMAT_KEYWORDS, schemaDiagnostics } from './schema.js';
import { finishSelector, parseRawSelector, type AliasDef, type SelectorContext } from './selector.js';
import { didYouMean } from './suggest.js';
import { bodiesOf, type Check, type Diagnostic, type LineSelector, type LoadResult, type Spec } from './types.js';
import { YamlAccess } from './yaml-access.js';

export { formatDiagnostic };
export type { Diagnostic, LoadResult };

/** Plain-words hints for the yaml library's error codes. */
const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'line the keys of one mapping up in the same column',
  DUPLICATE_KEY: 'each key may appear once in a mapping; remove or rename one',
  MISSING_CHAR: 'a bracket or quote is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; is a colon missing, or a quote not closed?',
  BLOCK_AS_IMPLICIT_KEY: 'is a colon missing after the key above, or is a line indented too far?',
  UNEXPECTED_TOKEN: 'quote values that contain special characters (: # [ ] { } , & * ! | > \' " % @ `)',
  BAD_ALIAS: 'a YAML alias (*name) needs an anchor (&name) defined before it',
};

const SPEC_EXTENSIONS = /\.ya?ml$/i;

export async function loadSpecFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a spec file' : `cannot read: ${(err as Error).message}`;
    return { diagnostics: [{ file: path, line: 0, col: 0, message, severity: 'error' }] };
  }
  return parseSpec(text, path);
}

/**
 * Parse and validate spec text. `file` names the spec in diagnostics (as given) and anchors
 * `run.files` (resolved against its directory; '' = in memory, relative to the cwd).
 */
export function parseSpec(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const sink = new DiagnosticSink(file, lineCounter);
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // One syntax error can cascade into several on the same line: keep the first per line.
  const errorLines = new Set<number>();
  for (const e of doc.errors) {
    const d: Diagnostic = { file, ...lineCounter.linePos(e.pos[0]), message: cleanYamlMessage(e.message), severity: 'error' };
    if (errorLines.has(d.line)) continue;
    errorLines.add(d.line);
    const unclosed = /end with a ([\]}])/.exec(d.message);
    const hint = unclosed ? `a ${unclosed[1] === ']' ? '[' : '{'} above is not closed: close it with ${unclosed[1]} (flow lists and mappings may span lines only when indented)` : YAML_HINTS[e.code];
    if (hint) d.hint = hint;
    sink.diagnostics.push(d);
  }
  for (const w of doc.warnings) {
    sink.diagnostics.push({ file, ...lineCounter.linePos(w.pos[0]), message: cleanYamlMessage(w.message), severity: 'warning' });
  }
  // With broken YAML the structure is a guess: report the syntax errors alone.
  if (sink.hasErrors()) return { diagnostics: sortDiagnostics(sink.diagnostics) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    sink.error(doc.contents, `the YAML cannot be read: ${(err as Error).message}`, YAML_HINTS.BAD_ALIAS);
    return { diagnostics: sortDiagnostics(sink.diagnostics) };
  }
  if (data === null || data === undefined) {
    sink.error(undefined, 'the spec is empty', 'start from specs/fetch-and-count.yaml; a spec needs at least `checks:`');
    return { diagnostics: sink.diagnostics };
  }

  const schemaHits = schemaDiagnostics(doc, data, sink);
  const schemaCount = sink.diagnostics.length;
  const spec = normalize(doc, data, sink, file);

  // The semantic pass words format problems (durations, ids, signals) better than the schema
  // does: when both spoke about the same node, keep the semantic message.
  const semanticAt = new Set(sink.diagnostics.slice(schemaCount).filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col}`));
  const diagnostics = sink.diagnostics.filter((d, i) => {
    if (i >= schemaCount || i < schemaCount - schemaHits.length) return true;
    const hit = schemaHits[i - (schemaCount - schemaHits.length)]!;
    return !(FORMAT_KEYWORDS.has(hit.keyword) && semanticAt.has(`${d.line}:${d.col}`));
  });
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  const result: LoadResult = { diagnostics: sortDiagnostics(diagnostics) };
  if (!hasErrors && spec) result.spec = spec;
  return result;
}

function cleanYamlMessage(m: string): string {
  // The yaml library appends " at line L, column C" and a code excerpt; we print our own.
  return m.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The semantic pass: aliases, checks, ids, requires, run settings → Spec (undefined on errors). */
function normalize(doc: ReturnType<typeof parseDocument>, data: unknown, sink: DiagnosticSink, file: string): Spec | undefined {
  const y = new YamlAccess(doc);
  const root = y.asMap(doc.contents);
  if (!root) return undefined; // the schema said it must be a mapping
  const absFile = file ? resolve(file) : '';
  const get = (k: string) => y.get(root, k);

  // Aliases first: checks refer to them.
  const aliases = new Map<string, AliasDef>();
  const ctx: SelectorContext = { y, sink, aliases, byNodes: [] };
  const lines = y.asMap(get('lines'));
  for (const pair of lines?.items ?? []) {
    const name = y.text(pair.key);
    if (name === undefined) continue;
    const raw = parseRawSelector(ctx, pair.value, false);
    if (raw) aliases.set(name.replace(/^\$/, ''), { raw, node: pair.key as Node, used: false });
  }

  const timing = normalizeTiming(y, sink, get('timing'));
  const run = normalizeRun(y, sink, get('run'), absFile);
  const runs = normalizeNamedRuns(y, sink, get('runs'), absFile, run);
  const checkCtx: CheckContext = { ...ctx, defaultTolerance: timing.tolerance };

  // Ids straight from the YAML, so checks with other errors still count for duplicates and requires.
  const items = y.asSeq(get('checks'))?.items ?? [];
  const idsSeen = new Map<string, Node>();
  const allIds: string[] = [];
  items.forEach((item) => {
    const idNode = y.get(y.asMap(item), 'id');
    const id = y.js(idNode);
    if (typeof id !== 'string' || !idNode) return;
    const first = idsSeen.get(id);
    if (first) {
      sink.error(idNode, `duplicate check id '${id}' (first used on line ${sink.posOf(first).line})`, 'check ids must be unique: rename one of them');
      return;
    }
    idsSeen.set(id, idNode);
    allIds.push(id);
  });

  const raws: (RawCheck | undefined)[] = items.map((item, i) => normalizeCheck(checkCtx, item, i));
  items.forEach((item, i) => {
    const name = checkRun(y, sink, y.asMap(item), runs);
    if (name !== undefined && raws[i]) raws[i]!.check.run = name;
  });

  // requires: unknown ids, then cycles (over every check that names its requirements).
  const requiresOf = new Map<string, string[]>();
  const requiresNodeOf = new Map<string, Node | undefined>();
  items.forEach((item) => {
    const map = y.asMap(item);
    const id = y.js(y.get(map, 'id'));
    const reqNode = y.get(map, 'requires');
    if (!reqNode) return;
    const seq = y.asSeq(reqNode);
    const entries = seq ? (seq.items as Node[]) : [reqNode];
    const deps: string[] = [];
    for (const entry of entries) {
      const dep = y.js(entry);
      if (typeof dep !== 'string') continue;
      if (!idsSeen.has(dep)) {
        const guess = didYouMean(dep, allIds);
        sink.error(entry, `requires '${dep}', which is not the id of a check${guess ? ` — did you mean '${guess}'?` : ''}`, `check ids in this spec: ${allIds.join(', ')}`);
        continue;
      }
      deps.push(dep);
    }
    if (typeof id === 'string' && !requiresOf.has(id)) {
      requiresOf.set(id, deps);
      requiresNodeOf.set(id, reqNode);
    }
  });
  for (const cycle of findCycles(allIds, requiresOf)) {
    const shown = [...cycle, cycle[0]].join(' → ');
    sink.error(
      requiresNodeOf.get(cycle[0]!),
      cycle.length === 1 ? `check '${cycle[0]}' requires itself` : `requires forms a cycle: ${shown}`,
      'a check can only require checks that do not (directly or indirectly) require it back; remove one of these requires',
    );
  }

  // `by:` reads the tracer's attribution of lines, which Python and Node runs have.
  if (run.runtime === 'command') {
    for (const n of ctx.byNodes!) {
      sink.error(n, `'by' needs the task tracer, which says which coroutine printed each line; this spec runs '${run.runtime}'`, 'remove by:, or grade a Python or Node program (run.runtime: python or node)');
    }
  }

  // Only on an otherwise clean spec: next to a typo ($don) the warning about $done is noise.
  for (const [name, def] of sink.hasErrors() ? [] : aliases) {
    if (!def.used) sink.warning(def.node, `alias '${name}' is declared but never used`, `use it as $${name} in a check, or remove it`);
  }

  if (sink.hasErrors()) return undefined;
  const checks = raws.filter((r): r is RawCheck => r !== undefined).map((r) => r.check);
  if (checks.length !== items.length) return undefined;

  // The run stage turns on the task tracer (Python or Node) only when some check needs it: a `tasks`
  // check, or a selector with `by:` (which reads the tracer's attribution of lines).
  const needsTracer = checks.some((c) => [...bodiesOf(c.body)].some((b) => b.kind === 'tasks')) || ctx.byNodes!.length > 0;
  if (needsTracer) for (const r of [run, ...(runs ?? []).map((n) => n.run)]) r.traceTasks = true;
  const obj = data as Record<string, unknown>;
  const name = typeof obj.name === 'string' ? obj.name : basename(file || 'spec').replace(SPEC_EXTENSIONS, '');
  const aliasOut: Record<string, LineSelector> = {};
  for (const [n, def] of aliases) aliasOut[n] = finishSelector({ ...def.raw, alias: n }, undefined);
  const spec: Spec = {
    name,
    title: typeof obj.title === 'string' && obj.title.trim() ? obj.title.trim() : name,
    file: absFile,
    run,
    ...(runs ? { runs } : {}),
    timing,
    aliases: aliasOut,
    checks: checks as Check[],
  };
  if (typeof obj.description === 'string') spec.description = obj.description;
  return spec;
}

/** Every construct keyword (for tools and docs). */
export const CHECK_CONSTRUCTS: readonly string[] = CONSTRUCTS;
