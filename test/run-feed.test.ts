/**
 * bwrap's work dir, filled by bwrap itself from fds (src/run/sandbox/feed.ts) or, past the feed's
 * file count, by `cp -a` inside the sandbox: the program sees the same folder either way (names,
 * types, modes, link targets), it can write there, and it inherits none of the feed's fds.
 */

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runSubmission } from '../src/run/index.js';
import { FEED_MAX_FILES } from '../src/run/sandbox/feed.js';
import { needs } from './facilities.js';
import { SMALL, removeTempDirs, settings, tempDir, texts } from './run-helpers.js';

afterAll(removeTempDirs);

const LIST = `import os, stat
for root, dirs, files in os.walk('.'):
    dirs.sort()
    if root.startswith('./many'):
        continue
    for name in sorted(dirs + files):
        p = os.path.join(root, name)
        st = os.lstat(p)
        kind = 'link -> ' + os.readlink(p) if stat.S_ISLNK(st.st_mode) else 'dir' if stat.S_ISDIR(st.st_mode) else 'file'
        print('entry', p, oct(st.st_mode & 0o777), kind)
print('read', open('pkg/data.txt').read().strip(), open('a_link').read().strip())
with open('pkg/data.txt', 'a') as f:
    f.write('more')
open('new.txt', 'w').write('x')
print('wrote', sorted(n for n in os.listdir('.') if n.endswith('.txt')))
# The feeds were regular files; anything else above 3 was inherited by the test process itself.
fds = sorted(int(n) for n in os.listdir('/proc/self/fd'))
files = []
for fd in fds:
    try:
        if fd > 3 and stat.S_ISREG(os.fstat(fd).st_mode):
            files.append(os.readlink('/proc/self/fd/%d' % fd))
    except OSError:
        pass
print('files open above fd 3:', files)
print('sub mount:', os.path.exists('/sub'))
`;

function submission(extra: number): string {
  const d = tempDir('tg-feed-sub-');
  writeFileSync(path.join(d, 'main.py'), LIST, { mode: 0o644 });
  mkdirSync(path.join(d, 'pkg'), { mode: 0o750 });
  writeFileSync(path.join(d, 'pkg', 'data.txt'), 'data', { mode: 0o600 });
  writeFileSync(path.join(d, 'pkg', 'tool.sh'), 'echo tool\n', { mode: 0o755 });
  symlinkSync('pkg/data.txt', path.join(d, 'a_link'));
  if (extra) {
    mkdirSync(path.join(d, 'many'));
    for (let i = 0; i < extra; i++) writeFileSync(path.join(d, 'many', `f${i}.txt`), String(i));
  }
  return d;
}

needs('bwrap').describe('the work dir at the bwrap level', () => {
  test(`fed by bwrap (a few files) and copied by cp (over ${FEED_MAX_FILES}): the same folder, writable, no fd of the feed`, async () => {
    const run = (extra: number) => runSubmission({ submission: submission(extra), sandbox: 'bwrap', settings: settings(), limits: SMALL });
    const [fed, copied] = await Promise.all([run(0), run(FEED_MAX_FILES + 1)]);
    for (const r of [fed, copied]) {
      expect(r.end).toBe('exited');
      expect(r.exitCode).toBe(0);
    }
    const entries = (r: typeof fed) => texts(r).filter((l) => l.startsWith('entry '));
    expect(entries(fed)).toEqual([
      "entry ./a_link 0o777 link -> pkg/data.txt",
      'entry ./main.py 0o644 file',
      'entry ./pkg 0o755 dir', // the copy's folders are 0755 (copy.ts)
      'entry ./pkg/data.txt 0o600 file',
      'entry ./pkg/tool.sh 0o755 file',
    ]);
    expect(entries(copied)).toEqual([...entries(fed).slice(0, 2), 'entry ./many 0o755 dir', ...entries(fed).slice(2)]);
    for (const r of [fed, copied]) {
      expect(texts(r)).toContain('read data data');
      expect(texts(r)).toContain("wrote ['new.txt']");
      expect(texts(r).filter((l) => l.startsWith('files open'))).toEqual(['files open above fd 3: []']);
    }
    // The staged copy itself is mounted only for cp to read.
    expect(texts(fed)).toContain('sub mount: False');
    expect(texts(copied)).toContain('sub mount: True');
  });
});
