/** `run:` and `timing:` as written → RunSettings and timing defaults. */

import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { YAMLMap } from 'yaml';
import type { DiagnosticSink } from './diagnostic.js';
import { parseDuration, parseTolerance } from './duration.js';
import { normalizeNodeKeys } from './node-settings.js';
import { parseSize } from './size.js';
import type { Limits, RunSettings, RuntimeKind, Tolerance } from './types.js';
import type { YamlAccess } from './yaml-access.js';

export const DEFAULT_TOLERANCE_MS = 150;
const DEFAULT_ENTRY: Record<RuntimeKind, string | undefined> = { python: 'main.py', node: 'main.js', command: undefined };

/**
 * `specFile` is absolute ('' for in-memory specs: relative files resolve against the cwd).
 * `inherit`: the settings a named run (`runs:`) inherits from `run:` — what it does not set, it
 * keeps; `env` and `limits` merge key by key, `files` add to the base's.
 */
export function normalizeRun(y: YamlAccess, sink: DiagnosticSink, runNode: unknown, specFile: string, inherit?: RunSettings): RunSettings {
  const run = y.asMap(runNode);
  const str = (k: string) => (typeof y.js(y.get(run, k)) === 'string' ? (y.js(y.get(run, k)) as string) : undefined);
  const rt = str('runtime');
  const runtime: RuntimeKind = rt === 'node' || rt === 'command' ? rt : rt === 'python' ? 'python' : inherit?.runtime ?? 'python';
  const clock = str('clock');
  const settings: RunSettings = {
    runtime,
    args: [],
    env: { ...inherit?.env },
    files: [...(inherit?.files ?? [])],
    limits: { ...inherit?.limits },
    clock: clock === 'virtual' || clock === 'real' ? clock : inherit?.clock ?? 'real',
    repeat: inherit?.repeat ?? 1,
    policy: inherit?.policy ?? 'all',
  };
  if (inherit) {
    for (const k of ['command', 'interpreter', 'stdin', 'seed', 'nodeFlags', 'nodeResolve'] as const) if (inherit[k] !== undefined) (settings as unknown as Record<string, unknown>)[k] = inherit[k];
    if (runtime !== inherit.runtime) delete settings.command;
    for (const k of ['repeat', 'policy']) {
      if (y.has(run, k)) sink.error(y.pair(run, k), `'${k}' applies to the whole spec, not to one named run`, `set it under run: (every named run is repeated the same way)`);
    }
  }
  const entry = str('entry') ?? (inherit && inherit.runtime === runtime ? inherit.entry : undefined) ?? DEFAULT_ENTRY[runtime];
  if (entry !== undefined) settings.entry = entry;

  const strings = (k: string): string[] | undefined => {
    const seq = y.asSeq(y.get(run, k));
    if (!seq) return undefined;
    return seq.items.map((i) => y.text(i)).filter((s): s is string => s !== undefined);
  };
  settings.args = strings('args') ?? inherit?.args ?? [];
  const command = strings('command');
  if (runtime === 'command') {
    if (!command && settings.command) {
      // inherited from run:
    } else if (!command) sink.error(run ?? runNode, "runtime: command needs 'command:', the argv to run", 'e.g. command: [sh, run.sh, "{entry}"]');
    else settings.command = command;
  } else if (y.has(run, 'command')) {
    sink.error(y.pair(run, 'command'), `'command' only applies with runtime: command (this spec runs ${runtime})`, `remove it, or set runtime: command`);
  }
  const interpreter = y.text(y.get(run, 'interpreter'));
  if (interpreter !== undefined) {
    if (runtime === 'command') sink.error(y.pair(run, 'interpreter'), "'interpreter' does not apply with runtime: command", 'put the interpreter in the command argv');
    settings.interpreter = interpreter;
  }
  if (settings.clock === 'virtual' && runtime === 'command') {
    sink.error(y.get(run, 'clock'), `clock: virtual needs runtime: python or node (this spec runs ${runtime})`, 'use clock: real');
  }
  const stdin = str('stdin');
  if (stdin !== undefined) settings.stdin = stdin;
  const env = y.asMap(y.get(run, 'env'));
  for (const pair of env?.items ?? []) {
    const key = y.text(pair.key);
    const value = y.text(pair.value);
    if (key !== undefined && value !== undefined) settings.env[key] = value;
  }
  const base = specFile ? dirname(specFile) : process.cwd();
  const files = y.asSeq(y.get(run, 'files'));
  // Files land beside the submission under their own name: two with one name would overwrite each other.
  const byName = new Map<string, string>(settings.files.map((f) => [basename(f), relative(base, f) || f]));
  for (const item of files?.items ?? []) {
    const rel = y.text(item);
    if (rel === undefined) continue;
    const abs = isAbsolute(rel) ? rel : resolve(base, rel);
    if (!existsSync(abs)) {
      sink.error(item, `run.files: '${rel}' does not exist (looked for ${abs})`, 'paths in run.files are relative to the spec file');
      continue;
    }
    const name = basename(abs);
    const other = byName.get(name);
    if (other !== undefined) {
      sink.error(item, `run.files: '${rel}' and '${other}' would both be copied as ${name}: files are copied by name beside the submission, so one would overwrite the other`, 'rename one of them, or give each its own named run (runs:) with its own files');
      continue;
    }
    byName.set(name, rel);
    settings.files.push(abs);
  }
  normalizeNodeKeys(y, sink, runNode, settings);
  const limits = y.asMap(y.get(run, 'limits'));
  if (limits) settings.limits = { ...settings.limits, ...normalizeLimits(y, sink, limits) };
  const seed = y.js(y.get(run, 'seed'));
  if (typeof seed === 'number' && Number.isInteger(seed)) settings.seed = seed;
  const repeat = y.js(y.get(run, 'repeat'));
  if (typeof repeat === 'number' && Number.isInteger(repeat) && repeat >= 1) settings.repeat = repeat;
  const policy = str('policy');
  if (policy === 'all' || policy === 'majority' || policy === 'best') settings.policy = policy;
  if (y.has(run, 'policy') && settings.repeat === 1) {
    sink.warning(y.pair(run, 'policy'), 'policy has no effect with a single run', 'set repeat: 3 (or more) to run the submission several times');
  }
  return settings;
}

function normalizeLimits(y: YamlAccess, sink: DiagnosticSink, limits: YAMLMap): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const [key, field] of [['wall', 'wallMs'], ['cpu', 'cpuMs']] as const) {
    if (!y.has(limits, key)) continue;
    const r = parseDuration(y.js(y.get(limits, key)), `${key} limit`);
    if (!r.ok) sink.error(y.get(limits, key), `limits.${key}: ${r.message}`, r.hint);
    else if (r.value === 0) sink.error(y.get(limits, key), `limits.${key} is 0: nothing could run`, 'give a positive duration, e.g. 10s');
    else out[field] = r.value;
  }
  for (const [key, field] of [['memory', 'memoryBytes'], ['output', 'outputBytes'], ['file_size', 'fileSizeBytes']] as const) {
    if (!y.has(limits, key)) continue;
    const r = parseSize(y.js(y.get(limits, key)));
    if (!r.ok) sink.error(y.get(limits, key), `limits.${key}: ${r.message}`, r.hint);
    else out[field] = r.value;
  }
  for (const [key, field] of [['processes', 'processes'], ['open_files', 'openFiles']] as const) {
    const v = y.js(y.get(limits, key));
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) out[field] = v;
  }
  return out;
}

export function normalizeTiming(y: YamlAccess, sink: DiagnosticSink, timingNode: unknown): { tolerance: Tolerance; scale: number } {
  const timing = y.asMap(timingNode);
  let tolerance: Tolerance = { ms: DEFAULT_TOLERANCE_MS };
  if (y.has(timing, 'tolerance')) {
    const node = y.get(timing, 'tolerance');
    const r = parseTolerance(y.js(node));
    if (!r.ok) sink.error(node, `timing.tolerance: ${r.message}`, r.hint);
    else tolerance = r.value;
  }
  const scaleV = y.js(y.get(timing, 'scale'));
  const scale = typeof scaleV === 'number' && scaleV > 0 ? scaleV : 1;
  return { tolerance, scale };
}
