/**
 * Setup checks before anything runs, so a problem of the machine is said once, in one line
 * with its fix, and exits 2 — instead of reappearing inside every submission's result:
 * a missing interpreter (python3 not installed), a sandbox level asked for but unavailable.
 */

import { effectiveSpec } from '../batch/grade-one.js';
import type { GradeOptions } from '../batch/types.js';
import { InterpreterError, resolveRuntime } from '../run/interpreter.js';
import { checkRunnable } from '../run/reachable-runtime.js';
import { assertIsolationPolicy, chooseSandbox, exposedFolders, exposedToRuns, isRoot, notProtected, requireSandbox, SandboxUnavailableError } from '../run/sandbox/index.js';
import type { Spec } from '../spec/types.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';

/**
 * `where.interpreterOrigin`: where `opts.interpreter` was set (a config file, --python), named
 * when it is not found; `where.submissions`, `where.outDir`: named in the rlimit-as-root warning
 * when other uids can read them.
 */
export async function ensureSetup(
  specs: Spec[],
  opts: GradeOptions,
  io: Io,
  where: { interpreterOrigin?: string; submissions?: string[]; outDir?: string } = {},
): Promise<void> {
  const { interpreterOrigin } = where;
  const seen = new Set<string>();
  for (const spec of specs) {
    const settings = effectiveSpec(spec, opts).run;
    const key = `${settings.runtime}\0${settings.interpreter ?? ''}\0${settings.command?.[0] ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      await resolveRuntime(settings);
    } catch (err) {
      if (err instanceof InterpreterError) {
        const from = interpreterOrigin && opts.interpreter !== undefined && settings.runtime === 'python' ? interpreterOrigin : undefined;
        throw new CliError(from ? `${err.message.replace(/ or change run\.interpreter$/, '')} (asked for by ${from}: change it there)` : err.message, EXIT.usage);
      }
      throw err;
    }
  }
  try {
    if (opts.requireSandbox) await requireSandbox(opts.requireSandbox);
    const chosen = await chooseSandbox(opts.sandbox ?? 'auto');
    assertIsolationPolicy(chosen.level, opts.acceptNoIsolation, chosen.reason);
    // An interpreter the run's uid cannot reach (pyenv under /root) is said once, not per submission.
    for (const spec of specs) await checkRunnable(chosen.level, await resolveRuntime(effectiveSpec(spec, opts).run));
    // A weaker sandbox still runs (a student's laptop), but says once, on the terminal, what it leaves open.
    if (chosen.level !== 'bwrap') {
      const why = (opts.sandbox ?? 'auto') === 'auto' && chosen.reason ? ` (${chosen.reason})` : '';
      io.stderr.write(`warning: running submissions with the '${chosen.level}' sandbox level${why}; it does not protect: ${notProtected(chosen.level).join('; ')}\n`);
      const exposed =
        !isRoot() || chosen.level !== 'rlimit'
          ? []
          : [...(await exposedToRuns(specs.flatMap((s) => [s.file, ...effectiveSpec(s, opts).run.files]))), ...(await exposedFolders(where.submissions ?? [], where.outDir))];
      if (exposed.length) io.stderr.write(`warning: readable by every submission at this level: ${exposed.join(', ')} (chmod o-rx them, or use bwrap)\n`);
    }
  } catch (err) {
    if (err instanceof SandboxUnavailableError) {
      throw new CliError(
        err.message,
        EXIT.usage,
        opts.requireSandbox ? undefined : `Choose another level with --sandbox (bwrap, rlimit, none) or leave it to --sandbox auto.`,
      );
    }
    throw err;
  }
}
