/**
 * `tracegrade` entry point: dispatch to a command and turn every outcome into an exit code.
 * main() never calls process.exit (pending output would be lost): it returns the code and
 * bin/tracegrade.js sets process.exitCode.
 */

import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.js';
import { didYouMean } from '../spec/suggest.js';
import { toolVersion } from '../batch/version.js';
import { CliError, EXIT } from './errors.js';
import { HELP, MAIN_HELP } from './help.js';
import { ciSafeIo, processIo, type Io } from './io.js';

export { closeInheritedFds } from '../run/inherited-fds.js';

export type Command = (argv: string[], io: Io) => Promise<number>;

// Loaded on demand: `--help` and `--version` stay fast (no yaml or spec validator to load).
const COMMANDS: Record<string, () => Promise<Command>> = {
  grade: async () => (await import('./commands/grade.js')).gradeCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  record: async () => (await import('./commands/record.js')).recordCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  merge: async () => (await import('./commands/report.js')).mergeCommand,
};

/** Where to report a bug: package.json `bugs` (or `repository`) when the package declares one. */
function reportAt(): string {
  try {
    const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
      bugs?: string | { url?: string };
      repository?: string | { url?: string };
    };
    const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
    if (bugs) return bugs;
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    if (repo) return `${repo.replace(/^git\+/, '').replace(/\.git$/, '')}/issues`;
  } catch {
    // Fall through to the generic answer.
  }
  return "the project's issue tracker (see the README)";
}

/** Whether argv asks for help (before a `--` that ends the options). */
function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '-h' || a === '--help') return true;
  }
  return false;
}

export async function main(argv: string[], rawIo: Io = processIo()): Promise<number> {
  const io = ciSafeIo(rawIo);
  const [first, ...rest] = argv;
  let name = 'tracegrade';
  try {
    if (first === undefined) {
      io.stderr.write(`${MAIN_HELP}\n`);
      return EXIT.usage;
    }
    if (first === '-h' || first === '--help') {
      io.stdout.write(`${MAIN_HELP}\n`);
      return EXIT.ok;
    }
    if (first === 'help') {
      const topic = rest[0];
      if (topic === undefined) io.stdout.write(`${MAIN_HELP}\n`);
      else if (HELP[topic]) io.stdout.write(`${HELP[topic]}\n`);
      else throw unknownCommand(topic);
      return EXIT.ok;
    }
    if (first === '-V' || first === '--version' || first === 'version') {
      io.stdout.write(`tracegrade ${toolVersion()}\n`);
      return EXIT.ok;
    }
    if (first.startsWith('-')) {
      const guess = didYouMean(first.replace(/^-+/, ''), ['help', 'version']);
      throw new CliError(
        `unknown option ${first}${guess ? ` — did you mean --${guess}?` : ''}`,
        EXIT.usage,
        "Run 'tracegrade --help' for the commands.",
      );
    }
    const command = COMMANDS[first];
    if (!command) throw unknownCommand(first);
    name = `tracegrade ${first}`;
    if (wantsHelp(rest)) {
      io.stdout.write(`${HELP[first]}\n`);
      return EXIT.ok;
    }
    return await (await command())(rest, io);
  } catch (err) {
    return reportError(err, name, io);
  }
}

function unknownCommand(word: string): CliError {
  const guess = didYouMean(word, Object.keys(COMMANDS));
  return new CliError(
    `unknown command '${word}'${guess ? ` — did you mean '${guess}'?` : ''}`,
    EXIT.usage,
    `The commands are ${Object.keys(COMMANDS).join(', ')}; run 'tracegrade --help'.`,
  );
}

/** A user-fixable problem → its message and code; anything else is our bug → exit 3, one line. */
export function reportError(err: unknown, name: string, io: Io): number {
  const debug = io.env.TRACEGRADE_DEBUG === '1';
  if (err instanceof CliError) {
    io.stderr.write(`${name}: ${err.message}\n`);
    if (err.hint) io.stderr.write(`${err.hint}\n`);
    if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message || err.name : String(err);
  io.stderr.write(
    `${name}: internal error: ${firstLine(message)}\n` +
      `This is a bug in tracegrade ${toolVersion()}: please report it at ${reportAt()} with the command you ran` +
      `${debug ? '.' : ' (TRACEGRADE_DEBUG=1 prints the details).'}\n`,
  );
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT.internal;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}
