/**
 * The config file's keys, their validation (positioned, with did-you-mean, like specs) and how
 * they become defaults for a command's flags: a flag given on the command line always wins.
 * Paths in a config file are relative to the file's folder, not to the cwd.
 */

import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { formatDiagnostic } from '../spec/diagnostic.js';
import { didYouMean } from '../spec/suggest.js';
import type { Diagnostic } from '../spec/types.js';
import { parseCommand, type Options, type Parsed } from './args.js';
import { ConfigSyntaxError, findConfig, type ConfigSource } from './config-file.js';
import { CliError, EXIT } from './errors.js';
import { parseThreshold, THRESHOLD_FORMAT } from './fail-under.js';
import type { Io } from './io.js';
import { SANDBOX_LEVELS } from './options.js';

type Kind = 'int' | 'number' | 'string' | 'path' | 'bool' | 'threshold' | 'reporters' | readonly string[];

/** Config key → the flag it stands for and what it holds. Keys may also be written kebab-case. */
export const CONFIG_KEYS: Record<string, { flag: string; kind: Kind }> = {
  jobs: { flag: 'jobs', kind: 'int' },
  sandbox: { flag: 'sandbox', kind: ['auto', ...SANDBOX_LEVELS] },
  requireSandbox: { flag: 'require-sandbox', kind: SANDBOX_LEVELS },
  reporters: { flag: 'reporter', kind: 'reporters' },
  out: { flag: 'out', kind: 'path' },
  python: { flag: 'python', kind: 'string' },
  clock: { flag: 'clock', kind: ['real', 'virtual'] },
  timeScale: { flag: 'time-scale', kind: 'number' },
  failUnder: { flag: 'fail-under', kind: 'threshold' },
  failUnderMean: { flag: 'fail-under-mean', kind: 'threshold' },
  revealHidden: { flag: 'reveal-hidden', kind: 'bool' },
  spec: { flag: 'spec', kind: 'path' },
};

const camel = (k: string): string => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** What is wrong with `value` for a key of `kind`, or undefined when it is fine. */
async function problem(kind: Kind, value: unknown): Promise<string | undefined> {
  if (Array.isArray(kind)) return kind.includes(value as string) ? undefined : `must be one of ${kind.join(', ')}${typeof value === 'string' && didYouMean(value, kind) ? ` — did you mean '${didYouMean(value, kind)}'?` : ''}`;
  switch (kind) {
    case 'int':
      return Number.isInteger(value) && (value as number) >= 1 ? undefined : 'must be a whole number of 1 or more';
    case 'number':
      return typeof value === 'number' && value > 0 ? undefined : 'must be a number greater than 0';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'string':
    case 'path':
      return typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string';
    case 'threshold':
      return (typeof value === 'number' || typeof value === 'string') && parseThreshold(value) ? undefined : `must be ${THRESHOLD_FORMAT}`;
    case 'reporters': {
      const names = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : Array.isArray(value) ? value : undefined;
      if (!names || names.length === 0 || names.some((n) => typeof n !== 'string')) return 'must be a list of reporter names';
      const known = Object.keys((await import('../report/index.js')).reporters);
      const bad = (names as string[]).find((n) => !known.includes(n));
      if (bad === undefined) return undefined;
      const guess = didYouMean(bad, known);
      return `has an unknown reporter '${bad}'${guess ? ` — did you mean '${guess}'?` : ''} (the reporters are ${known.join(', ')})`;
    }
  }
  return undefined;
}

/** Every problem of the config, positioned at its key or value; empty when valid. */
export async function validateConfig(cfg: ConfigSource): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const at = (node: unknown): { line: number; col: number } => {
    const range = (node as Node | undefined)?.range;
    return range && cfg.lineCounter ? cfg.lineCounter.linePos(range[0]) : { line: 0, col: 0 };
  };
  const push = (node: unknown, message: string, hint?: string): void => {
    out.push({ file: cfg.file, ...at(node), message, severity: 'error', ...(hint ? { hint } : {}) });
  };
  const v = cfg.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    push(cfg.node, 'the config must be a mapping of options (e.g. jobs: 2)');
    return out;
  }
  const map = isMap(cfg.node) ? cfg.node : undefined;
  const pairOf = (key: string): { key: unknown; value: unknown } | undefined =>
    map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as { key: unknown; value: unknown } | undefined;
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    const def = CONFIG_KEYS[camel(key)];
    const pair = pairOf(key);
    if (!def) {
      const guess = didYouMean(camel(key), Object.keys(CONFIG_KEYS));
      push(pair?.key, `unknown key '${key}'${guess ? ` — did you mean '${guess}'?` : ''}`, `The keys are ${Object.keys(CONFIG_KEYS).join(', ')}.`);
      continue;
    }
    const why = await problem(def.kind, value);
    if (why) push(pair?.value ?? pair?.key, `'${key}' ${why}`);
  }
  return out;
}

/** Config values as flag defaults, for the flags this command has (paths made absolute). */
function apply(p: Parsed, options: Options, cfg: ConfigSource): void {
  const base = dirname(cfg.file);
  for (const [key, value] of Object.entries(cfg.value as Record<string, unknown>)) {
    const def = CONFIG_KEYS[camel(key)]!;
    if (!options[def.flag] || p.values[def.flag] !== undefined) continue;
    (p.fromConfig ??= {})[def.flag] = cfg.file;
    if (def.kind === 'bool') p.values[def.flag] = value === true;
    else if (def.kind === 'reporters') p.values[def.flag] = Array.isArray(value) ? value.join(',') : String(value);
    else if (def.kind === 'path' || (def.flag === 'python' && /[\\/]/.test(String(value)))) p.values[def.flag] = isAbsolute(String(value)) ? String(value) : resolve(base, String(value));
    else p.values[def.flag] = String(value);
  }
}

/**
 * parseCommand, then the config file's values for every flag not given (`--config FILE` names
 * the file; else the nearest upward from the cwd). An invalid config stops here, positioned.
 */
export async function parseWithConfig(command: string, argv: string[], options: Options, io: Io): Promise<Parsed> {
  const all: Options = { ...options, config: { type: 'string' } };
  const p = parseCommand(command, argv, all);
  const explicit = typeof p.values.config === 'string' ? resolve(io.cwd, p.values.config) : undefined;
  let cfg: ConfigSource | undefined;
  let diagnostics: Diagnostic[];
  let source: string | undefined;
  try {
    cfg = await findConfig(io.cwd, explicit);
    diagnostics = cfg ? await validateConfig(cfg) : [];
    source = cfg?.source;
  } catch (err) {
    if (!(err instanceof ConfigSyntaxError)) throw err;
    diagnostics = err.diagnostics;
    source = err.source;
  }
  if (diagnostics.length > 0) {
    for (const d of diagnostics) io.stderr.write(`${formatDiagnostic({ ...d, file: d.file.startsWith(io.cwd + '/') ? d.file.slice(io.cwd.length + 1) : d.file }, source)}\n`);
    throw new CliError(`the config file ${diagnostics[0]!.file} is invalid; nothing was run`, EXIT.usage, 'Fix it (or pass --config FILE to use another one), then try again.');
  }
  if (cfg) apply(p, all, cfg);
  return p;
}
