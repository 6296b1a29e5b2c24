/**
 * Fds this process inherited open, past stdio, without close-on-exec: a CI runner's or a
 * container's pipe, a terminal multiplexer's socket. (Node itself marks the low ones
 * close-on-exec at start; a high one, such as 200, stays open.) Every process we spawn would
 * inherit them too — each submission's run, through bwrap, prlimit and the interpreter, none of
 * which closes them (Node's spawn closes only close-on-exec fds). A submission could then write
 * into its grader's log pipe, or read what the fd holds. Two guards:
 *
 * - the CLI closes them first thing (bin/tracegrade.js), keeping an fd its command line names
 *   (/dev/fd/N or /proc/self/fd/N: a spec given as `<(…)`) and Node's IPC channel;
 * - a run's spawn puts /dev/null in each such fd's place (`shieldStdio`), for a process that
 *   uses the library API (`tracegrade/jest`) and cannot close what its host may need.
 */

import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** Fds to leave open: Node's IPC channel, and each /dev/fd/N or /proc/self/fd/N the command line names (alone or after `=`). */
export function keptFds(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Set<number> {
  const keep = new Set<number>();
  if (env.NODE_CHANNEL_FD) keep.add(Number(env.NODE_CHANNEL_FD));
  for (const a of argv) {
    const m = /(?:^|=)\/(?:dev\/fd|proc\/self\/fd)\/(\d+)(?:\/|$)/.exec(a);
    if (m) keep.add(Number(m[1]));
  }
  return keep;
}

/** This process's open fds past stdio without close-on-exec, but those in `keep` (Linux; elsewhere none are found). */
export function inheritableFds(keep: ReadonlySet<number> = new Set()): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!(fd > 2) || keep.has(fd)) continue;
    try {
      const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (flags && !(parseInt(flags[1]!, 8) & O_CLOEXEC)) out.push(fd);
    } catch {
      /* closed meanwhile (the fd that listed the folder) */
    }
  }
  return out.sort((a, b) => a - b);
}

/** The CLI's guard: close them; returns which were closed. */
export function closeInheritedFds(argv: readonly string[]): number[] {
  const fds = inheritableFds(keptFds(argv));
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      /* already gone */
    }
  }
  return fds;
}

type StdioEntry = 'pipe' | 'ignore' | 'inherit' | number;

/** Found once: a host hands its fds down at start; /dev/null stays open for the process's life. */
let shield: { fds: number[]; devNull: number } | undefined;

/**
 * A run's stdio with /dev/null in the place of every inheritable fd of this process (the run's
 * own entries win: they replace the inherited fd at their number anyway).
 */
export function shieldStdio(stdio: readonly StdioEntry[]): StdioEntry[] {
  shield ??= (() => {
    const fds = inheritableFds();
    return { fds, devNull: fds.length ? openSync('/dev/null', 'r+') : -1 };
  })();
  return overlayStdio(stdio, shield.fds, shield.devNull);
}

/** `stdio` with `devNull` at each of `fds` that the spawn leaves unset. */
export function overlayStdio(stdio: readonly StdioEntry[], fds: readonly number[], devNull: number): StdioEntry[] {
  const out: StdioEntry[] = [...stdio];
  for (const fd of fds) {
    if (fd <= 2) continue;
    while (out.length <= fd) out.push('ignore');
    if (out[fd] === 'ignore') out[fd] = devNull;
  }
  return out;
}
