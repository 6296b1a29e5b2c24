/**
 * Option parsing on node:util parseArgs (no dependency), with the messages people need:
 * "unknown option --jbos — did you mean --jobs?", a missing value, a bad number.
 */

import { parseArgs } from 'node:util';
import { didYouMean } from '../spec/suggest.js';
import { CliError, EXIT } from './errors.js';

export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

export type Options = Record<string, OptionDef>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  /** Flags whose value came from a config file (flag → that file), for messages about them. */
  fromConfig?: Record<string, string>;
}

const COMMON: Options = { help: { type: 'boolean', short: 'h' } };

/** Parse `argv` for `command`; throws CliError (exit 2) on anything parseArgs rejects. */
export function parseCommand(command: string, argv: string[], options: Options): Parsed {
  const all: Options = { ...COMMON, ...options };
  const seeHelp = `Run 'tracegrade ${command} --help' for usage.`;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const raw = /'([^']+)'/.exec(e.message)?.[1] ?? '';
      const name = raw.replace(/^-+/, '').split('=')[0]!; // split always yields at least one piece
      const longNames = Object.keys(all);
      const guess = raw.startsWith('--') ? didYouMean(name, longNames) : undefined;
      const shown = raw.startsWith('--') ? `--${name}` : raw;
      throw new CliError(`unknown option ${shown}${guess ? ` — did you mean --${guess}?` : ''}`, 2, seeHelp);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const opt = /--[\w-]+/.exec(e.message)?.[0];
      const def = opt ? all[opt.replace(/^-+/, '')] : undefined;
      if (opt && def?.type === 'boolean') throw new CliError(`option ${opt} takes no value`, 2, seeHelp);
      // `--time-scale -1`: parseArgs takes "-1" for an option; say what it saw.
      const at = opt ? argv.findIndex((a) => a === opt || (def?.short !== undefined && a === `-${def.short}`)) : -1;
      const next = at >= 0 ? argv[at + 1] : undefined;
      if (opt && next !== undefined && next.startsWith('-')) {
        throw new CliError(`option ${opt} needs a value, but '${next}' follows it${/^-\d/.test(next) ? ` (write ${opt}=${next} to give it as the value)` : ''}`, 2, seeHelp);
      }
      throw new CliError(`option ${opt ?? ''} needs a value`.replace('  ', ' '), 2, seeHelp);
    }
    throw new CliError(e.message, 2, seeHelp);
  }
}

/** The single positional argument a command takes, or a usage error that says what to give. */
export function onePositional(p: Parsed, say: { missing: string; many: string; example: string }): string {
  if (p.positionals.length !== 1) {
    throw new CliError(p.positionals.length === 0 ? say.missing : say.many, EXIT.usage, `Example: ${say.example}`);
  }
  return p.positionals[0]!;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function bool(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new CliError(`--${option} expects a whole number of 1 or more, not '${value}'`, 2);
  }
  return Number(value);
}

export function positiveNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new CliError(`--${option} expects a number greater than 0, not '${value}'`, 2);
  }
  return n;
}

/** `--shard 2/4` → { index: 2, count: 4 } (1-based). */
export function shard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new CliError(`--shard expects i/n with 1 ≤ i ≤ n (e.g. --shard 2/4), not '${value}'`, 2);
  }
  return { index, count };
}

/** One of `allowed`, with a suggestion when it is a typo. */
export function oneOf<T extends string>(value: string | undefined, option: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const guess = didYouMean(value, allowed);
  throw new CliError(
    `--${option} must be one of ${allowed.join(', ')}, not '${value}'${guess ? ` — did you mean ${guess}?` : ''}`,
    2,
  );
}
