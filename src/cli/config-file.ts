/**
 * Finding and reading the config file: `tracegrade.config.{json,yaml,yml,mjs}` or a
 * `"tracegrade"` key in package.json, the nearest one upward from the cwd (lilconfig's search).
 * JSON and YAML are parsed with `yaml` (JSON is YAML) so every key keeps its line and column
 * for the same positioned errors specs get; an .mjs config has no positions (its file is named).
 */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lilconfig } from 'lilconfig';
import { LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../spec/types.js';

export const SEARCH_PLACES = [
  'package.json',
  'tracegrade.config.json',
  'tracegrade.config.yaml',
  'tracegrade.config.yml',
  'tracegrade.config.mjs',
];

export interface ConfigSource {
  file: string;
  /** The config's value (package.json: its "tracegrade" key). */
  value: unknown;
  /** Parsed document and the node holding the config, for positions (absent for .mjs). */
  doc?: Document;
  node?: Node;
  lineCounter?: LineCounter;
  source?: string;
}

/** A config file that cannot be read or parsed: positioned diagnostics. */
export class ConfigSyntaxError extends Error {
  constructor(readonly diagnostics: Diagnostic[], readonly source?: string) {
    super(diagnostics[0]?.message ?? 'bad config file');
  }
}

function parseYaml(file: string, text: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e) => ({ file, ...lineCounter.linePos(e.pos[0]), message: e.message.split('\n')[0]!, severity: 'error' as const }));
    throw new ConfigSyntaxError(diagnostics, text);
  }
  return { doc, lineCounter };
}

const parsed = new Map<string, { doc: Document; lineCounter: LineCounter; text: string }>();

async function loadMjs(file: string): Promise<unknown> {
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return mod.default;
  } catch (err) {
    throw new ConfigSyntaxError([{ file, line: 0, col: 0, message: `cannot load: ${(err as Error).message.split('\n')[0]}`, severity: 'error' }]);
  }
}

const loadText = (file: string, text: string): unknown => {
  const r = parseYaml(file, text);
  parsed.set(file, { ...r, text });
  return r.doc.toJS();
};

/** The nearest config upward from `cwd` (or exactly `explicit`), or undefined when there is none. */
export async function findConfig(cwd: string, explicit?: string): Promise<ConfigSource | undefined> {
  const searcher = lilconfig('tracegrade', {
    searchPlaces: SEARCH_PLACES,
    loaders: { '.json': loadText, '.yaml': loadText, '.yml': loadText, '.mjs': loadMjs, noExt: loadText },
    stopDir: '/',
    cache: false,
  });
  if (explicit) await readFile(explicit).catch(() => {
    throw new ConfigSyntaxError([{ file: explicit, line: 0, col: 0, message: 'config file not found', severity: 'error' }]);
  });
  const found = explicit ? await searcher.load(explicit) : await searcher.search(cwd);
  if (!found) return undefined;
  const text = parsed.get(found.filepath);
  if (!text) return { file: found.filepath, value: found.config };
  let node = text.doc.contents as Node | undefined;
  if (basename(found.filepath) === 'package.json') node = text.doc.get('tracegrade', true) as Node | undefined;
  return { file: found.filepath, value: found.config, doc: text.doc, node, lineCounter: text.lineCounter, source: text.text };
}
