/**
 * The JSON Schema of the YAML surface (schema/spec.schema.json, shipped in the package for
 * editors) and the translation of ajv's errors into positioned, plain-words diagnostics.
 */

import type { ErrorObject } from 'ajv';
import type { Document } from 'yaml';
import { nodeAtPath, type DiagnosticSink } from './diagnostic.js';
import { schemaText, specValidator } from './schema-validator.js';
import { didYouMean, listWords } from './suggest.js';

export { SCHEMA_URL } from './schema-validator.js';

export function specSchema(): Record<string, unknown> {
  return JSON.parse(schemaText()) as Record<string, unknown>;
}

/** Schema error keywords that the semantic pass re-reports with a better message at the same node. */
export const FORMAT_KEYWORDS = new Set(['pattern', 'minimum', 'exclusiveMinimum', 'maximum', 'const']);

export interface SchemaDiagnostic {
  keyword: string;
  line: number;
  col: number;
}

function parsePath(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function typeWords(t: unknown): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    integer: 'a whole number',
    object: 'a mapping',
    array: 'a list',
    boolean: 'true or false',
    null: 'empty',
  };
  const ts = (Array.isArray(t) ? t : String(t).split(',')).map((x) => names[String(x)] ?? String(x));
  return listWords(ts);
}

function actualWords(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  return `the text '${String(v)}'`;
}

/** How a path reads in a message: `check 'id': 'count.exactly'`, `'run.limits.wall'`. */
function describe(path: (string | number)[], data: unknown): string {
  let prefix = '';
  let rest = path;
  if (path[0] === 'checks' && typeof path[1] === 'number') {
    const check = (data as { checks?: { id?: unknown }[] }).checks?.[path[1]];
    prefix = typeof check?.id === 'string' ? `check '${check.id}'` : `check ${path[1] + 1}`;
    rest = path.slice(2);
  } else if (path[0] === 'lines' && typeof path[1] === 'string') {
    prefix = `alias '${path[1]}'`;
    rest = path.slice(2);
  }
  const field = rest.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p + 1}]` : s ? `${s}.${p}` : p), '');
  if (!field) return prefix || 'the spec';
  return prefix ? `${prefix}: '${field}'` : `'${field}'`;
}

/** Messages for `pattern` errors, by the property that failed. */
function patternMessage(field: string | number | undefined, value: unknown): { message: string; hint?: string } | undefined {
  const v = `'${String(value)}'`;
  switch (field) {
    case 'id': {
      const slug = String(value).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
      return {
        message: `check id ${v} may only use lowercase letters, digits, '_' and '-'`,
        hint: slug ? `write it as '${slug}'` : undefined,
      };
    }
    case 'name':
      return { message: `spec name ${v} may only use letters, digits, '.', '_' and '-'` };
    case 'flags':
      return {
        message: `${v} are not allowed regex flags: use i (ignore case), m, s, u or v`,
        hint: 'g, y and d have no meaning when each line is tested once',
      };
    default:
      return undefined;
  }
}

/**
 * Validate the plain data against the schema; report each error at its YAML node.
 * Returns which keyword fired where, so the caller can prefer semantic messages.
 */
export function schemaDiagnostics(doc: Document, data: unknown, sink: DiagnosticSink): SchemaDiagnostic[] {
  const { validate } = specValidator();
  if (validate(data)) return [];
  const out: SchemaDiagnostic[] = [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  for (const e of errors) {
    // propertyNames reports a `pattern` error for the name and then this summary: keep one.
    if (e.keyword === 'propertyNames') continue;
    const path = parsePath(e.instancePath);
    const where = describe(path, data);
    const parent = e.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
    let node: unknown = nodeAtPath(doc, path);
    let message: string;
    let hint: string | undefined;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        node = nodeAtPath(doc, [...path, key], true);
        const allowed = Object.keys(parent?.properties ?? {});
        const guess = didYouMean(key, allowed);
        message = `unknown key '${key}'${guess ? ` — did you mean '${guess}'?` : ''}`;
        if (path.length === 0 || allowed.length <= 40) hint = `allowed ${path.length ? `in ${where}` : 'at the top level'}: ${allowed.join(', ')}`;
        if (key === '<<') hint = 'YAML merge keys (<<) are not supported: repeat the keys';
        break;
      }
      case 'required': {
        const missing = String((e.params as { missingProperty: string }).missingProperty);
        message = `${where} is missing '${missing}'`;
        if (path[0] === 'checks' && path.length === 2 && missing === 'id') {
          message = `check ${Number(path[1]) + 1} has no 'id'`;
          hint = 'give every check a unique id, e.g. `- id: prints-numbers`';
        } else if (path.length === 0 && missing === 'checks') {
          hint = 'add a `checks:` list with at least one check';
        }
        break;
      }
      case 'type':
        message = `${where} must be ${typeWords((e.params as { type: unknown }).type)}, not ${actualWords(e.data)}`;
        hint = parent?.description;
        break;
      case 'enum': {
        const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
        const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
        message = `${where} cannot be ${actualWords(e.data).replace(/^the text /, '')}${guess ? ` — did you mean '${guess}'?` : ''}`;
        hint = `use ${listWords(allowed, true)}`;
        break;
      }
      case 'pattern': {
        const special = patternMessage(e.propertyName ?? path[path.length - 1], e.propertyName ?? e.data);
        if (e.propertyName !== undefined) {
          node = nodeAtPath(doc, [...path, e.propertyName], true);
          message = `alias name '${e.propertyName}' may only use letters, digits, '_' and '-', starting with a letter or '_'`;
        } else {
          message = special?.message ?? `${where}: '${String(e.data)}' is not in the expected form`;
          hint = special?.hint ?? parent?.description;
        }
        break;
      }
      case 'minimum':
      case 'exclusiveMinimum':
      case 'maximum': {
        const { limit } = e.params as { limit: number };
        const rel = e.keyword === 'minimum' ? 'at least' : e.keyword === 'maximum' ? 'at most' : 'more than';
        message = `${where} must be ${rel} ${limit}, not ${String(e.data)}`;
        hint = parent?.description;
        break;
      }
      case 'minItems':
      case 'maxItems': {
        const { limit } = e.params as { limit: number };
        const n = Array.isArray(e.data) ? e.data.length : 0;
        message = `${where} needs ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}, not ${n}`;
        hint = parent?.description;
        break;
      }
      case 'const':
        message = `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
        hint = parent?.description;
        break;
      default:
        message = `${where} ${e.message ?? 'is invalid'}`;
        hint = parent?.description;
    }
    sink.error(node, message, hint);
    const last = sink.diagnostics[sink.diagnostics.length - 1]!;
    out.push({ keyword: e.keyword, line: last.line, col: last.col });
  }
  return out;
}
