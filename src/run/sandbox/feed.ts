/**
 * The run's copy put into bwrap's work-dir tmpfs by bwrap itself while it builds the sandbox:
 * one --dir, --file or --symlink per entry, each file read from an fd the parent opened and
 * handed to bwrap at spawn (fd 4, 5, …). It replaces a shell and `cp -a` inside the sandbox:
 * two process starts, ~2.5 ms of CPU of every run (README, "Benchmarks"). A copy of more
 * than FEED_MAX_FILES files still goes through `cp` (feeds would take as many fds).
 *
 * The folder walked is the run's own staged copy (workdir.ts: links already judged, no
 * devices, no hard links), which nobody else writes; nothing is followed (O_NOFOLLOW, lstat).
 * Links are made last, so no --dir or --file of the feed is created through one.
 */

import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** The child's first feed fd: 0–2 are stdio, 3 the side channel. */
export const FEED_FD_BASE = 4;
/** Past this many files the copy goes through `cp` inside the sandbox. */
export const FEED_MAX_FILES = 64;

export interface Feed {
  /** bwrap flags, to follow the work dir's --tmpfs. */
  args: string[];
  /** Open fds in the order of --file FEED_FD_BASE, FEED_FD_BASE + 1, … */
  fds: number[];
}

class NotFeedable extends Error {}

const perms = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

/** The feed of `hostDir` into `inside`, or null when it must be copied another way. */
export function planFeed(hostDir: string, inside: string): Feed | null {
  const args: string[] = [];
  const links: string[] = [];
  const fds: number[] = [];
  const walk = (host: string, at: string) => {
    for (const name of readdirSync(host).sort()) {
      const from = path.join(host, name);
      const to = `${at}/${name}`;
      const st = lstatSync(from);
      if (st.isSymbolicLink()) {
        links.push('--symlink', readlinkSync(from), to);
      } else if (st.isDirectory()) {
        args.push('--perms', perms(st.mode), '--dir', to);
        walk(from, to);
      } else if (st.isFile()) {
        if (fds.length >= FEED_MAX_FILES) throw new NotFeedable();
        const fd = openSync(from, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
        fds.push(fd);
        const f = fstatSync(fd);
        if (!f.isFile()) throw new NotFeedable();
        args.push('--perms', perms(f.mode), '--file', String(FEED_FD_BASE + fds.length - 1), to);
      } else {
        throw new NotFeedable();
      }
    }
  };
  try {
    walk(hostDir, inside);
  } catch {
    closeFeed(fds);
    return null;
  }
  return { args: [...args, ...links], fds };
}

/** Close the fds and empty the list, so a second call closes nothing (an fd number is reused). */
export function closeFeed(fds: number[]): void {
  for (const fd of fds.splice(0)) {
    try {
      closeSync(fd);
    } catch {
      /* already gone */
    }
  }
}

type StdioEntry = 'pipe' | 'ignore' | 'inherit' | number;

/** A spawn's stdio with the feeds at FEED_FD_BASE, … (fd 3 left closed when it is not a channel). */
export function withFeeds(stdio: readonly StdioEntry[], feeds: readonly number[]): StdioEntry[] {
  if (!feeds.length) return [...stdio];
  const head: StdioEntry[] = [...stdio];
  while (head.length < FEED_FD_BASE) head.push('ignore');
  return [...head, ...feeds];
}
