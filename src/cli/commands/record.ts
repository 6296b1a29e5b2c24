/** `tracegrade record <reference>`: run a reference solution and print a drafted spec. */

import { parseWithConfig } from '../config.js';
import { stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { packagePath } from '../../package-root.js';
import { effectiveSpec } from '../../batch/grade-one.js';
import { draftSpec } from '../../spec/draft.js';
import type { RuntimeKind, Spec } from '../../spec/types.js';
import type { RunRecord } from '../../trace/types.js';
import { onePositional, oneOf, positiveInt, str } from '../args.js';
import { runSubmission } from '../deps.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { interpreterOrigin, RUN_OPTIONS, runOptions } from '../options.js';
import { ensureSetup } from '../setup.js';
import { shown } from './validate.js';

const DEFAULT_RUNS = 3;

/** This package's JSON Schema, wherever it is installed. */
const SCHEMA = packagePath('schema/spec.schema.json');

/**
 * The draft's `$schema=` hint, relative to the folder the spec will live in: --out's folder,
 * else ./specs/ when there is one (`> specs/x.yaml`, the usual redirect), else the cwd.
 */
async function schemaPathFor(cwd: string, out: string | undefined): Promise<string> {
  let folder = out !== undefined ? dirname(out) : cwd;
  if (out === undefined && (await stat(join(cwd, 'specs')).catch(() => null))?.isDirectory()) folder = join(cwd, 'specs');
  return relative(folder, SCHEMA).split(sep).join('/');
}

/** Split a command line on whitespace, honouring '…' and "…" quotes (no other shell syntax). */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function slugName(s: string): string {
  const slug = s.toLowerCase().replace(/\.[a-z0-9]+$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug || 'recorded';
}

/** Folder names that say what a folder is (a reference solution), not which assignment. */
const ROLE_NAMES = new Set(['reference', 'ref', 'solution', 'model', 'answer', 'main', 'src']);

/**
 * The drafted spec's name: the reference's folder (or file) name — or, for a folder named for its
 * role (`submissions/fetch-and-count/reference`), its parent's: the spec is the assignment's.
 */
export function defaultName(reference: string, isFile: boolean): string {
  const folder = isFile ? dirname(reference) : reference;
  const candidates = [
    ...(isFile ? [slugName(basename(reference.replace(/\.[^./]+$/, '')))] : []),
    slugName(basename(folder)),
    slugName(basename(dirname(folder))),
  ];
  return candidates.find((c) => c !== 'recorded' && !ROLE_NAMES.has(c)) ?? candidates[0]!;
}

export async function recordCommand(argv: string[], io: Io): Promise<number> {
  const p = await parseWithConfig('record', argv, {
    ...RUN_OPTIONS,
    runtime: { type: 'string' },
    entry: { type: 'string' },
    command: { type: 'string' },
    runs: { type: 'string', short: 'n' },
    name: { type: 'string' },
    out: { type: 'string', short: 'o' },
  }, io);
  const given = onePositional(p, {
    missing: 'give the reference submission to record (a folder or a file)',
    many: 'give one reference submission',
    example: 'tracegrade record submissions/fetch-and-count/reference > specs/my-spec.yaml',
  });
  const reference = resolve(io.cwd, given);
  const st = await stat(reference).catch(() => null);
  if (!st) throw new CliError(`reference not found: ${given}`, EXIT.usage);
  const isFile = !st.isDirectory();
  const opts = runOptions(p);
  const runs = positiveInt(str(p, 'runs'), 'runs') ?? DEFAULT_RUNS;
  const commandLine = str(p, 'command');
  const command = commandLine !== undefined ? splitCommand(commandLine) : undefined;

  let entry = str(p, 'entry');
  const guessed: RuntimeKind = command ? 'command' : /\.(c|m)?js$/i.test(entry ?? (isFile ? reference : '')) ? 'node' : 'python';
  const runtime = oneOf(str(p, 'runtime'), 'runtime', ['python', 'node', 'command'] as const) ?? guessed;
  if (runtime === 'command' && !command) {
    throw new CliError('--runtime command needs --command, e.g. --command "ruby {entry}"', EXIT.usage);
  }
  if (entry === undefined) {
    if (isFile) entry = basename(reference);
    else if (runtime === 'python') entry = 'main.py';
    else if (runtime === 'node') {
      entry = (await stat(join(reference, 'main.js')).catch(() => null)) ? 'main.js' : 'index.js';
    }
  }
  if (!isFile && entry !== undefined && !(await stat(join(reference, entry)).catch(() => null))) {
    throw new CliError(`no ${entry} in ${shown(io, reference)}`, EXIT.usage, 'Give the entry file with --entry, e.g. --entry app.py.');
  }
  if (isFile && runtime !== 'command' && extname(reference) === '' && str(p, 'runtime') === undefined) {
    io.stderr.write(`note: ${basename(reference)} has no extension; running it as ${runtime} (use --runtime to change)\n`);
  }

  const name = str(p, 'name') ?? defaultName(reference, isFile);
  const base: Spec = {
    name,
    title: name,
    file: '',
    run: {
      runtime,
      ...(entry !== undefined ? { entry } : {}),
      args: [],
      ...(command ? { command } : {}),
      env: {},
      files: [],
      limits: {},
      clock: 'real',
      repeat: 1,
      policy: 'all',
    },
    timing: { tolerance: { ms: 150 }, scale: 1 },
    aliases: {},
    checks: [],
  };
  const spec = effectiveSpec(base, opts);
  await ensureSetup([spec], opts, io, { interpreterOrigin: interpreterOrigin(p) });

  const records: RunRecord[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runSubmission({
      submission: reference,
      settings: spec.run,
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      ...(opts.requireSandbox ? { requireSandbox: opts.requireSandbox } : {}),
      ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
    });
    if (r.error) throw new CliError(`the reference could not be run: ${r.error}`, EXIT.usage);
    const lines = r.trace.length;
    io.stderr.write(
      `run ${i + 1}/${runs}: ${(r.wallMs / 1000).toFixed(2)} s, ${lines} line${lines === 1 ? '' : 's'}, ` +
        `${r.signal ? `killed by ${r.signal}` : r.timedOut ? 'timed out' : `exit ${r.exitCode}`} (sandbox: ${r.sandbox.level})\n`,
    );
    records.push(r);
  }

  const outArg = str(p, 'out');
  const outFile = outArg !== undefined ? resolve(io.cwd, outArg) : undefined;
  const draft = draftSpec(records, {
    schemaPath: await schemaPathFor(io.cwd, outFile),
    name,
    runtime,
    ...(entry !== undefined ? { entry } : {}),
    ...(command ? { command } : {}),
    clock: spec.run.clock,
    source: shown(io, reference),
    recordedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  if (outFile) {
    try {
      await writeFile(outFile, draft);
    } catch (err) {
      throw new CliError(`cannot write the draft to ${shown(io, outFile)}: ${(err as Error).message}`, EXIT.usage);
    }
  } else io.stdout.write(draft);
  const checks = (draft.match(/^ {2}- id: /gm) ?? []).length;
  io.stderr.write(
    `Drafted ${checks} checks from ${runs} run${runs === 1 ? '' : 's'}. Edit the draft (titles, hints, points), then: tracegrade validate <spec.yaml>\n`,
  );
  return EXIT.ok;
}
