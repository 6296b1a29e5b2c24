/** The feed's bwrap flags for a staged copy: what each entry becomes, links last, and when it gives up (fds closed). */

import { fstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FEED_FD_BASE, FEED_MAX_FILES, closeFeed, planFeed, withFeeds } from './feed.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function staged(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tg-feed-'));
  dirs.push(d);
  return d;
}
const isOpen = (fd: number) => {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

test('dirs, files with their modes, then links: each file from the next fd, nothing followed', () => {
  const d = staged();
  mkdirSync(path.join(d, 'pkg'), { mode: 0o750 });
  writeFileSync(path.join(d, 'main.py'), 'print(1)\n', { mode: 0o644 });
  writeFileSync(path.join(d, 'pkg', 'run.sh'), 'echo\n', { mode: 0o755 });
  symlinkSync('pkg/run.sh', path.join(d, 'a_link'));
  const feed = planFeed(d, '/work')!;
  try {
    expect(feed.args).toEqual([
      '--perms', '0644', '--file', String(FEED_FD_BASE), '/work/main.py',
      '--perms', '0750', '--dir', '/work/pkg',
      '--perms', '0755', '--file', String(FEED_FD_BASE + 1), '/work/pkg/run.sh',
      '--symlink', 'pkg/run.sh', '/work/a_link',
    ]);
    expect(feed.fds).toHaveLength(2);
    expect(feed.fds.every(isOpen)).toBe(true);
  } finally {
    const fds = [...feed.fds];
    closeFeed(feed.fds);
    expect(feed.fds).toEqual([]);
    expect(fds.some(isOpen)).toBe(false);
    closeFeed(feed.fds); // a second close closes nothing (the numbers may be reused)
  }
});

test(`more than ${FEED_MAX_FILES} files, or a socket: no feed (cp copies it), and no fd left open`, async () => {
  const many = staged();
  for (let i = 0; i <= FEED_MAX_FILES; i++) writeFileSync(path.join(many, `f${i}.txt`), 'x');
  const before = fdCount();
  expect(planFeed(many, '/work')).toBeNull();
  const odd = staged();
  writeFileSync(path.join(odd, 'main.py'), '');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(path.join(odd, 'sock'), r));
  try {
    expect(planFeed(odd, '/work')).toBeNull();
    expect(fdCount()).toBe(before + 1); // the listening socket's own fd, and nothing else
  } finally {
    server.close();
  }
});

test('withFeeds: the feeds at fd 4 on, fd 3 closed when it is not a channel', () => {
  expect(withFeeds(['ignore', 'pipe', 'pipe'], [])).toEqual(['ignore', 'pipe', 'pipe']);
  expect(withFeeds(['ignore', 'pipe', 'pipe'], [40, 41])).toEqual(['ignore', 'pipe', 'pipe', 'ignore', 40, 41]);
  expect(withFeeds(['pipe', 'pipe', 'pipe', 'pipe'], [40])).toEqual(['pipe', 'pipe', 'pipe', 'pipe', 40]);
});

const fdCount = () => readdirSync('/proc/self/fd').length;
