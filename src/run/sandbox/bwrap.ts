/**
 * The bwrap level: user/pid/net/ipc/uts/mount namespaces, nothing of the host visible but /usr,
 * the interpreter and tracegrade's runtime (read-only), the copy on a size-limited tmpfs.
 */

import { planFeed, type Feed } from './feed.js';
import { prlimitArgs } from './flags.js';
import { bwrapVersion } from './tools.js';
import { BWRAP_WORK, SUB_MOUNT, SandboxUnavailableError, type LaunchRequest, type Planner } from './types.js';

function bwrapArgs(req: LaunchRequest, version: number[], feed: Feed | null): { args: string[]; mechanisms: string[] } {
  const { limits } = req;
  const a: string[] = [
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--symlink', 'usr/sbin', '/sbin',
  ];
  const disk = req.workBytes + 4 * limits.fileSizeBytes;
  // Without a feed, `cp` copies the copy from a read-only mount of it (planBwrap).
  if (!feed) a.push('--ro-bind', req.workDir, SUB_MOUNT);
  a.push(
    '--proc', '/proc',
    '--dev', '/dev',
    '--size', String(limits.fileSizeBytes * 2), '--tmpfs', '/tmp',
    '--size', String(disk), '--tmpfs', BWRAP_WORK,
  );
  if (feed) a.push(...feed.args);
  // After the tmpfs mounts: a root under /tmp or /work (a clone in /tmp, a checkout in /work)
  // would otherwise be hidden by them.
  for (const r of [...new Set(req.roots)].sort()) {
    if (r === '/usr' || r.startsWith('/usr/') || r === '/') continue;
    a.push('--ro-bind', r, r);
  }
  for (const b of req.binds ?? []) a.push('--ro-bind', b.from, b.to);
  a.push('--unshare-all', '--unshare-user');
  const mechanisms = [
    'user/pid/net/ipc/uts/mount namespaces (no network)',
    'read-only /usr and interpreter; nothing else of the host visible',
    `work dir on a ${Math.round(disk / 1048576)} MiB tmpfs`,
  ];
  const [maj = 0, min = 0] = version;
  if (maj > 0 || min >= 8) a.push('--disable-userns');
  a.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--clearenv');
  const env: Record<string, string> = { ...req.env, PATH: '/usr/local/bin:/usr/bin:/bin', HOME: BWRAP_WORK };
  for (const [k, v] of Object.entries(env)) a.push('--setenv', k, v);
  a.push('--remount-ro', '/', '--chdir', BWRAP_WORK);
  return { args: a, mechanisms };
}

export const planBwrap: Planner = async (req, t, root) => {
  if (!t.bwrap) throw new SandboxUnavailableError('bwrap not found');
  if (!t.prlimit) throw new SandboxUnavailableError('prlimit (util-linux) not found');
  const version = await bwrapVersion(t.bwrap);
  // --perms came with bwrap 0.5; older ones copy with `cp`.
  const [maj = 0, min = 0] = version;
  const feed = maj > 0 || min >= 5 ? planFeed(req.workDir, BWRAP_WORK) : null;
  const b = bwrapArgs(req, version, feed);
  const mechanisms = [...b.mechanisms];
  // Non-root: the user namespace makes RLIMIT_NPROC count the sandbox's processes only.
  const nproc = root ? null : req.limits.processes;
  if (nproc !== null) mechanisms.push(`RLIMIT_NPROC ${nproc} (in its user namespace: counts the sandbox's processes only)`);
  const inner = [t.prlimit, ...prlimitArgs(req.limits, req.runtime, nproc, req.extraAddressSpace), '--', ...req.argv];
  const copy = ['/bin/sh', '-c', `cp -a ${SUB_MOUNT}/. ${BWRAP_WORK}/ && exec "$@"`, 'sh'];
  return {
    file: t.bwrap,
    args: [...b.args, '--', ...(feed ? [] : copy), ...inner],
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    cwd: req.workDir,
    mechanisms,
    wrapperExit: true,
    feeds: feed?.fds ?? [],
  };
};
