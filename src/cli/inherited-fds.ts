/**
 * Fds the CLI inherited open, past stdio, without close-on-exec: a CI runner's or a container's
 * pipe, a terminal multiplexer's socket. Every process the CLI spawns would inherit them too —
 * each submission's run, through bwrap, prlimit and the interpreter, none of which closes them
 * (Node's spawn closes only close-on-exec fds). A submission could then write into its grader's
 * log pipe or read what the fd holds. The CLI never uses them, so it closes them first thing.
 *
 * Kept: Node's IPC channel (NODE_CHANNEL_FD), and an fd that the command line names as
 * /dev/fd/N or /proc/self/fd/N (a spec given as `<(…)`): the CLI reads it by that name.
 */

import { closeSync, readFileSync, readdirSync } from 'node:fs';

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

/** The inherited fds that would reach a child (Linux; elsewhere none are found). */
export function inheritedFds(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number[] {
  const keep = keptFds(argv, env);
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
  return out;
}

/** Close them; returns which were closed. */
export function closeInheritedFds(argv: readonly string[]): number[] {
  const fds = inheritedFds(argv);
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      /* already gone */
    }
  }
  return fds;
}
